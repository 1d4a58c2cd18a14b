"""Safe XML: loading and identifying a message (:mod:`~dmtool.xml.loader`, :mod:`~dmtool.xml.source`), navigating it
(:mod:`~dmtool.xml.tree`), dmtool's schemas (:mod:`~dmtool.xml.xsd`) and the XML syntax checks
(:mod:`~dmtool.xml.parsing`). Knows the standards, nothing of the message models above it."""
