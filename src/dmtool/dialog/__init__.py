"""Dialogmelding: the model (:mod:`~dmtool.dialog.model`), the constructors (:mod:`~dmtool.dialog.compose`), the
reader and the writer (:mod:`~dmtool.dialog.reader`, :mod:`~dmtool.dialog.writer`), build specs
(:mod:`~dmtool.dialog.spec`), what a reply takes from the original (:mod:`~dmtool.dialog.replies`) and a summary for
people (:mod:`~dmtool.dialog.summary`)."""
