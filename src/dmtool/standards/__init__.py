"""What the standards and guidelines say, as data: versions and namespaces, code lists and the coded fields,
identifiers, timestamps, working days and the regional profiles. The lowest layer: imports nothing else of dmtool but
:mod:`dmtool.errors`."""
