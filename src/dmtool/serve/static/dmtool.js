// dmtool serve: lets files be dropped on the form. The form works without this script: choose files and press Check.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("check-form");
  const zone = document.getElementById("drop-zone");
  const input = document.getElementById("files");
  if (!form || !zone || !input) {
    return;
  }
  zone.classList.add("droppable");
  const hold = (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  };
  zone.addEventListener("dragenter", hold);
  zone.addEventListener("dragover", hold);
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    if (!event.dataTransfer || event.dataTransfer.files.length === 0) {
      return;
    }
    input.files = event.dataTransfer.files;
    form.requestSubmit();
  });
});
