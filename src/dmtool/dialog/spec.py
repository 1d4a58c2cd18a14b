"""Model to plain data and back: what ``dmtool parse --format json`` prints and what ``dmtool build --spec`` reads.

:func:`to_data` turns any model value into a dict of JSON/YAML-compatible values. :func:`from_data` turns such a dict
back into a model value, driven by the dataclass type hints, and says precisely what is wrong with bad input
(:class:`SpecError` names the key path: ``sender.unit.her_id: expected a string, got a number``).
:func:`build_from_spec` builds a message from a *spec*: a dict whose keys are the keyword arguments of the
constructors in :mod:`dmtool.dialog.compose`. :func:`example` gives a complete spec for each kind.

A coded value may be given as a plain string, meaning a code. Where the guideline names the code list of a field
(``roles[0].role`` is a 9057 code, ``patient.sex`` a 3101 code, ...) the code must be in that list and gets the
list's OID and display name. A :class:`~dmtool.dialog.model.CV` object's ``system`` may be a code-list number
(``"9152"``), which becomes the list's OID.

A spec may also be a whole message as :func:`to_data` gives it, which is what ``dmtool parse --format json`` prints:
:func:`build_from_spec` tells the two apart by the message's ``body``, and builds every kind from such a spec (svar and
avvik too), the message as it is (:func:`message_from_spec`). Either shape may say ``kind`` and ``version`` (the
Dialogmelding version) when they agree with what is built: ``foresporsel`` or ``DIALOG_FORESPORSEL`` for a
forespørsel, ``1.1`` when ``1.1`` (or no version) is asked for.

A spec is read more strictly than data dmtool wrote itself (:func:`from_data` reads what ``dmtool parse`` printed of a
received message, as it is): in a spec an identifier type must be in the list the writer gives its ``TypeId``
(``sender.ids[0].type`` in 9051, ``roles[0].person.ids[0].type`` and ``patient.id_type`` in 8116), and an
identifier, a name, a code or the required ``text`` given as an empty or blank string is refused.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import inspect
import re
import types
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, TypeVar, Union, cast, get_args, get_origin, get_type_hints

from .. import build
from ..errors import BuildError, DmtoolError, RuleError
from ..report import Issue
from ..standards import clock, codelists
from ..standards.profiles import Settings
from . import compose, fields
from .model import (
    CS,
    CV,
    DIALOG_VERSIONS,
    KIND_NAMES,
    Ident,
    Kind,
    Message,
)
from .spec_examples import EXAMPLES

T = TypeVar("T")

#: The kinds a spec builds, and the constructor of each; its keyword arguments are the spec's keys.
BUILDERS: Final[dict[str, Callable[..., Message]]] = {
    "foresporsel": compose.foresporsel,
    "notat": compose.notat,
    "helsefaglig": compose.helsefaglig,
}
#: Spec keys that are not model or constructor arguments under the same name, and are required anyway.
_REQUIRED_EXTRA: Final[dict[str, tuple[str, ...]]] = {"patient": ("id",)}
#: The constructor argument that comes from the command line, or from the spec's ``version``.
_VERSION_ARG: Final = "dialog_version"
#: The key that makes a spec a whole message (:func:`message_from_spec`) rather than a constructor's arguments.
_MESSAGE_KEY: Final = "body"

#: The code list of a constructor argument given as a plain code: the one of the model field it fills. A model field's
#: code list, and whether it may be blank, are declared on the model (:mod:`dmtool.dialog.fields`).
_BUILDER_CODE_LISTS: Final[dict[tuple[object, str], str]] = {
    (compose.foresporsel, "type"): compose.FORESPORSEL_TYPE_LIST,
    (compose.foresporsel, "urgency"): compose.URGENCY_LIST,
    (compose.notat, "topic"): compose.NOTAT_TOPIC_LIST,
    (compose.helsefaglig, "topic"): compose.HELSEFAGLIG_TOPIC_LIST,
}
#: The field of a dataclass whose code list is the one of the field holding it: an identifier's type.
_INHERITED_CODE_LIST: Final[dict[object, str]] = {Ident: "type"}
#: Constructor arguments that must not be empty or blank in a spec, and what they hold. (A model field that must not
#: be is declared ``not_blank`` on the model; optional free text such as ``title`` is not, as it may be left out.)
_BUILDER_NOT_BLANK: Final[dict[tuple[object, str], str]] = {
    **{(builder, "text"): "the text" for builder in BUILDERS.values()},
    **{(builder, "msg_id"): "a MsgId" for builder in BUILDERS.values()},
}

_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_LIST_NUMBER: Final = re.compile(r"\d+")


class SpecError(DmtoolError, ValueError):
    """Plain data that does not describe a model value; ``key`` is the key path at fault (``"sender.unit.her_id"``,
    ``"roles[0].role"``), or ``None`` when the data as a whole is wrong. ``issues``: the hard guideline rules the
    message it describes would break (:class:`~dmtool.errors.RuleError`), when that is why it is refused."""

    def __init__(self, key: str | None, message: str, issues: tuple[Issue, ...] = ()) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key
        self.issues = issues


# -- model to data ----------------------------------------------------------------------------------------------------


def to_data(obj: object) -> dict[str, Any]:
    """``obj`` (an instance of any model dataclass) as a dict of JSON/YAML-compatible values.

    Dates and datetimes become ISO 8601 strings, tuples lists; ``None`` values and empty tuples are left out
    (:attr:`Message.unmodelled <dmtool.dialog.model.Message.unmodelled>` is included when it is not empty).
    """
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError(f"to_data takes a model dataclass instance, not {type(obj).__name__}")
    data: dict[str, Any] = {}
    for item in dataclasses.fields(obj):
        value = getattr(obj, item.name)
        if value is None or value == ():
            continue
        data[item.name] = _plain(value)
    return data


def _plain(value: object) -> Any:
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)  # a Kind is a str; JSON and YAML want the plain one
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_data(value)
    return value


# -- data to model ----------------------------------------------------------------------------------------------------


def _join(where: str, key: object) -> str:
    return f"{where}.{key}" if where else str(key)


def _what(value: object) -> str:
    """How a value of plain data is called in messages: ``a string``, ``a number``, ``an object``, ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dt.datetime):
        return "a date-time"
    if isinstance(value, dt.date):
        return "a date"
    return f"a {type(value).__name__}"


def expected(hint: Any) -> str:
    """What a type hint of the model asks for, in the words of an error message (and of the spec keys' reference):
    ``a string``, ``a code (string) or an object``, ``a list``, ..."""
    if hint in (CV, CS):
        return "a code (string) or an object"
    if dataclasses.is_dataclass(hint):
        return "an object"
    if hint is str:
        return "a string"
    if hint is int:
        return "a whole number"
    if hint is dt.datetime:
        return "an ISO 8601 date-time with UTC offset (2026-11-20T09:15:00+01:00)"
    if hint is dt.date:
        return "a date YYYY-MM-DD"
    if get_origin(hint) is tuple:
        return "a list"
    if get_origin(hint) is Literal:
        return "one of " + ", ".join(repr(arg) for arg in get_args(hint))
    if _is_union(hint):
        options = [arg for arg in get_args(hint) if arg is not type(None)]  # null is allowed but never asked for
        return " or ".join(dict.fromkeys(expected(arg) for arg in options))
    if hint is type(None):
        return "null"
    raise TypeError(f"dmtool.spec cannot read values of type {hint!r}")


def _is_union(hint: Any) -> bool:
    return get_origin(hint) in (Union, types.UnionType)


def _shape_fits(hint: Any, value: object) -> bool:
    """True when ``value`` has the plain-data shape ``hint`` is read from (its content is checked later)."""
    if _is_union(hint):
        return any(_shape_fits(arg, value) for arg in get_args(hint))
    if hint is type(None):
        return value is None
    if hint in (CV, CS):
        return isinstance(value, str | Mapping)
    if dataclasses.is_dataclass(hint):
        return isinstance(value, Mapping)
    if hint is str or get_origin(hint) is Literal:
        return isinstance(value, str)
    if hint is int:  # a line number (FurtherDocument.line)
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is dt.datetime:
        return isinstance(value, str | dt.datetime)
    if hint is dt.date:
        return isinstance(value, str) or (isinstance(value, dt.date) and not isinstance(value, dt.datetime))
    if get_origin(hint) is tuple:
        return isinstance(value, list)
    return False


def _wrong_type(hint: Any, value: object, where: str) -> SpecError:
    message = f"expected {expected(hint)}, got {_what(value)}"
    if isinstance(value, int | float) and not isinstance(value, bool) and _shape_fits(hint, ""):
        message += f' (put it in quotes: "{value}")'
    return SpecError(where, message)


def _refuse_blank(what: str, value: object, where: str) -> None:
    """:class:`SpecError` at ``where`` when ``value`` (or a string in the list ``value``) is an empty or blank string,
    shown as written: ``what`` (``"an identifier"``) says what it should have held. Other types are left to
    :func:`_convert`."""
    items = enumerate(value) if isinstance(value, list) else [(None, value)]
    for index, item in items:
        if isinstance(item, str) and not item.strip():
            at = where if index is None else f"{where}[{index}]"
            if not item:
                raise SpecError(at, f"{what} cannot be empty; got ''")
            count = f"{len(item)} whitespace character{'s' if len(item) > 1 else ''}"
            raise SpecError(at, f"{what} cannot be blank; got {item!r} ({count})")


def _code(code_list: str, code: str, where: str) -> str:
    """The display name of ``code`` in ``code_list``; :class:`SpecError` at ``where`` when it is not there."""
    try:
        return codelists.get(code_list).display_name(code)
    except KeyError as error:
        raise SpecError(where, str(error.args[0])) from None


def _system(value: str, where: str) -> str:
    """A ``system`` given as a code-list number becomes the list's OID; an OID stays as it is."""
    if not _LIST_NUMBER.fullmatch(value):
        return value
    try:
        return codelists.get(value).oid
    except KeyError:
        raise SpecError(
            where, f"{value!r} is not a code list dmtool knows; give an OID or a code-list number"
        ) from None


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date):  # YAML reads an unquoted date as one
        return value
    text = cast(str, value)
    try:
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise SpecError(where, f"expected a date YYYY-MM-DD, got {text!r}")


def _datetime(value: object, where: str) -> dt.datetime:
    if isinstance(value, dt.datetime):  # YAML reads an unquoted timestamp as one
        parsed = value
    else:
        text = cast(str, value)
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise SpecError(where, f"expected {expected(dt.datetime)}, got {value!r}") from None
        if parsed.utcoffset() is not None and clock.parse_timestamp(text) != parsed:  # +01:90 read as +02:30, say
            raise SpecError(
                where,
                f"{text!r}: write the date and time as the message will carry it, YYYY-MM-DDThh:mm:ss with the "
                "seconds and an offset of at most 14:00 in hours and minutes, e.g. 2026-11-20T09:15:00+01:00",
            )
    if parsed.utcoffset() is None:
        raise SpecError(where, f"{value!s} has no UTC offset; add one, e.g. +01:00 for Norwegian winter time")
    return parsed


def _coded(cls: type[CV] | type[CS], value: str, where: str, code_list: str | None) -> CV | CS:
    """A coded value given as a plain code: from ``code_list`` when the field has one."""
    if code_list is None:
        return cls(value)
    display = _code(code_list, value, where)
    return CV(value, codelists.get(code_list).oid, display) if cls is CV else CS(value, display)


def _convert(hint: Any, value: object, where: str, code_list: str | None = None, strict: bool = False) -> Any:
    """``value`` (plain data at key path ``where``) as a value of type ``hint``; ``strict`` for a spec."""
    if _is_union(hint):
        return _convert_union(hint, value, where, code_list, strict)
    if not _shape_fits(hint, value):
        raise _wrong_type(hint, value, where)
    if hint in (CV, CS) and isinstance(value, str):
        return _coded(hint, value, where, code_list)
    if dataclasses.is_dataclass(hint):
        return _from_mapping(cast(type[Any], hint), value, where, code_list, strict)
    if hint is str:
        if code_list is not None:
            _code(code_list, cast(str, value), where)
        return value
    if hint is int:
        return value
    if get_origin(hint) is Literal:
        if value not in get_args(hint):
            raise SpecError(where, f"expected {expected(hint)}, got {value!r}")
        return value
    if hint is dt.datetime:
        return _datetime(value, where)
    if hint is dt.date:
        return _date(value, where)
    item_hint = get_args(hint)[0]  # tuple[X, ...]
    items = cast(list[object], value)
    return tuple(_convert(item_hint, item, f"{where}[{index}]", code_list, strict) for index, item in enumerate(items))


def _convert_union(hint: Any, value: object, where: str, code_list: str | None, strict: bool) -> Any:
    options = [arg for arg in get_args(hint) if arg is not type(None)]
    if value is None and len(options) < len(get_args(hint)):
        return None
    fitting = [option for option in options if _shape_fits(option, value)]
    if not fitting:
        raise _wrong_type(hint, value, where)
    if isinstance(value, Mapping) and len(fitting) > 1:
        # Several dataclasses (a body is a Foresporsel or a Notat): the first whose fields hold every key given.
        for option in fitting:
            names = {item.name for item in dataclasses.fields(option)}
            if names.issuperset(value):
                return _convert(option, value, where, code_list, strict)
    return _convert(fitting[0], value, where, code_list, strict)


def spec_code_list(owner: object, key: str) -> str | None:
    """The code list that a spec's plain code, or identifier type, for ``key`` of ``owner`` (a model class, or a
    constructor of :data:`BUILDERS`) must be in; ``None`` when the key takes no code."""
    return _code_list(owner, key, strict=True)


def _code_list(owner: object, key: str, strict: bool) -> str | None:
    """The code list of ``key`` of ``owner`` as declared on the model: for a coded value (a plain code becomes one in
    it) always, for an identifier type (``Patient.id_type``, the types of ``ids``) in a spec only (``strict``), as a
    received message may hold any identifier type and is rewritten as it is. The identifiers with a field of their own
    (``her_id``, ...) take no code."""
    if not isinstance(owner, type):
        return _BUILDER_CODE_LISTS.get((owner, key))
    bound = fields.info(owner, key)
    if bound is None or bound.ident_type is not None:
        return None
    return bound.code_list if strict or _is_coded(owner, key) else None


def _not_blank(owner: object, key: str) -> str | None:
    """What ``key`` of ``owner`` holds when a spec may not give it as an empty or blank string, else ``None``."""
    if not isinstance(owner, type):
        return _BUILDER_NOT_BLANK.get((owner, key))
    bound = fields.info(owner, key)
    return None if bound is None else bound.not_blank


@functools.cache
def _is_coded(cls: type[Any], key: str) -> bool:
    """True when field ``key`` of ``cls`` holds coded values (a :class:`CV` or :class:`CS`, optional or a tuple)."""
    hint = get_type_hints(cls)[key]
    return bool({CV, CS} & {hint, *get_args(hint), *(arg for item in get_args(hint) for arg in get_args(item))})


def _read_keys(
    owner: object,
    hints: Mapping[str, Any],
    required: set[str],
    data: object,
    where: str,
    hint_on_unknown: Mapping[str, str] | None = None,
    *,
    strict: bool = False,
    inherited: str | None = None,
) -> dict[str, Any]:
    """The values of the keys of ``data`` (a mapping of ``hints``' names) converted to their hinted types.

    ``strict`` reads a spec: blank identifiers, names and required text are refused, and identifier types are
    checked against their code list, ``inherited`` (the list of the ``ids`` field holding an identifier).
    """
    if not isinstance(data, Mapping):
        raise SpecError(where or None, f"expected an object (a mapping of keys), got {_what(data)}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        path = _join(where, key)
        if key not in hints:
            message = f"unknown key {key!r}; expected one of: {', '.join(hints)}"
            if hint_on_unknown and key in hint_on_unknown:
                message += f" ({hint_on_unknown[key]})"
            raise SpecError(path, message)
        code_list = _code_list(owner, key, strict)
        if strict:
            what = _not_blank(owner, key)
            if what is not None:
                _refuse_blank(what, value, path)
            if key == _INHERITED_CODE_LIST.get(owner):
                code_list = inherited
        values[key] = _convert(hints[key], value, path, code_list, strict)
    for key in hints:
        if key in required and key not in values:
            raise SpecError(_join(where, key), f"required key is missing; expected {expected(hints[key])}")
    return values


def from_data(cls: type[T], data: object, where: str = "") -> T:
    """``data`` (a dict as :func:`to_data` makes, or as a spec gives it) as an instance of the model dataclass ``cls``.

    ``where`` is the key path of ``data`` in the whole, used in error messages. Reads every model class,
    recursively; a :class:`~dmtool.dialog.model.CV` or :class:`~dmtool.dialog.model.CS` may be given as a plain code.
    Raises
    :class:`SpecError` naming the key path for an unknown key, a value of the wrong type or a missing required key.
    """
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"from_data builds model dataclasses, not {cls!r}")
    return cast(T, _convert(cls, data, where))


def _from_mapping(cls: type[Any], data: object, where: str, code_list: str | None, strict: bool) -> Any:
    hints = get_type_hints(cls)
    fields = {item.name: item for item in dataclasses.fields(cls)}
    required = {
        name
        for name, item in fields.items()
        if item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
    }
    fields_hints = {name: hints[name] for name in fields}
    values = _read_keys(cls, fields_hints, required, data, where, strict=strict, inherited=code_list)
    if cls is CV and isinstance(values.get("system"), str):
        values["system"] = _system(values["system"], _join(where, "system"))
    return cls(**values)


# -- specs ------------------------------------------------------------------------------------------------------------


def spec_keys(kind: str) -> dict[str, Any]:
    """The keys of a spec for ``kind`` and their type hints: the constructor's keyword arguments but the version."""
    builder = _builder(kind)
    hints = get_type_hints(builder)
    return {name: hints[name] for name in inspect.signature(builder).parameters if name != _VERSION_ARG}


def required_keys(kind: str) -> tuple[str, ...]:
    """The keys a spec for ``kind`` must give: the constructor's arguments without a default."""
    parameters = inspect.signature(_builder(kind)).parameters
    return tuple(name for name, parameter in parameters.items() if parameter.default is inspect.Parameter.empty)


def _builder(kind: str) -> Callable[..., Message]:
    try:
        return BUILDERS[kind]
    except KeyError:
        raise ValueError(f"kind must be one of {', '.join(BUILDERS)}; got {kind!r}") from None


def build_from_spec(kind: str, data: object, dialog_version: str | None = None) -> Message:
    """The message of kind ``kind`` (``foresporsel``, ``notat``, ``helsefaglig``) described by the spec ``data``.

    The spec's keys are the keyword arguments of the :mod:`dmtool.dialog.compose` constructor of the kind, except
    ``dialog_version``, which is given here (``None``: the spec's ``version``, else the constructor's default, 1.0;
    helsefaglig is always 1.1); ``kind`` and ``version`` may be given when they agree. A spec with a ``body`` is a
    whole message, of any kind of :data:`~dmtool.dialog.model.KIND_NAMES` (:func:`message_from_spec`). Raises
    :class:`SpecError` naming the key for anything wrong with the spec, including a code that is not in its code list.
    """
    if isinstance(data, Mapping) and _MESSAGE_KEY in data:
        return message_from_spec(kind, data, dialog_version)
    if kind in KIND_NAMES and kind not in BUILDERS:
        raise SpecError(
            None,
            f"kind must be one of {', '.join(BUILDERS)} for a spec of a constructor's keys; a {kind} spec is a whole "
            "message, as dmtool parse --format json prints it (kind, version, msg_id, gen_date, sender, receiver, "
            "body, ...)",
        )
    builder = _builder(kind)
    accepts_version = _VERSION_ARG in inspect.signature(builder).parameters
    if isinstance(data, Mapping):
        data, dialog_version = _envelope(kind, data, dialog_version)
    if dialog_version is not None and dialog_version not in DIALOG_VERSIONS:
        raise SpecError(_VERSION_ARG, f"expected one of {', '.join(DIALOG_VERSIONS)}, got {dialog_version!r}")
    if not accepts_version and dialog_version not in (None, "1.1"):
        raise SpecError(_VERSION_ARG, f"{kind} is always Dialogmelding 1.1; got {dialog_version}")
    hint = {_VERSION_ARG: "the version is chosen when building (--dialog-version), or given as version"}
    values = _read_keys(builder, spec_keys(kind), set(required_keys(kind)), data, "", hint, strict=True)
    for key, names in _REQUIRED_EXTRA.items():
        for name in names:
            if getattr(values.get(key), name, None) is None:
                raise SpecError(_join(key, name), "required key is missing; expected a string")
    if accepts_version and dialog_version is not None:
        values[_VERSION_ARG] = dialog_version
    try:
        return builder(**values)
    except KeyError as error:  # checked above; kept so that a constructor's new coded argument cannot crash
        raise SpecError(None, str(error.args[0])) from None


def message_from_spec(kind: str, data: object, dialog_version: str | None = None) -> Message:
    """The message ``data`` holds in the shape :func:`to_data` gives a :class:`~dmtool.dialog.model.Message` (what
    ``dmtool parse --format json`` prints), to be built as a ``kind`` of :data:`~dmtool.dialog.model.KIND_NAMES`.

    Its ``kind`` and ``version`` may be left out (``kind`` then, ``dialog_version`` or 1.0 for all but helsefaglig);
    given, they must agree with ``kind`` and ``dialog_version``. The rest is read as :func:`from_data` reads what
    dmtool wrote, as it is: what the message held is built again. Raises :class:`SpecError` naming the key.
    """
    if kind not in KIND_NAMES:
        raise ValueError(f"kind must be one of {', '.join(KIND_NAMES)}; got {kind!r}")
    if not isinstance(data, Mapping):
        raise SpecError(None, f"expected an object (a mapping of keys), got {_what(data)}")
    rest, version = _envelope(kind, data, dialog_version)
    default = "1.1" if KIND_NAMES[kind] is Kind.HELSEFAGLIG else "1.0"
    return from_data(Message, {**rest, "kind": str(KIND_NAMES[kind]), "version": version or default})


def _envelope(kind: str, data: Mapping[str, Any], dialog_version: str | None) -> tuple[dict[str, Any], str | None]:
    """``data`` without its ``kind`` and ``version``, which must agree with ``kind`` (its name or its
    ``MsgInfo/Type``) and ``dialog_version``; and the version to build: ``dialog_version``, else the spec's."""
    rest = dict(data)
    given = rest.pop("kind", kind)
    if given not in (kind, KIND_NAMES[kind]):
        names = {name: name for name in KIND_NAMES} | {str(value): name for name, value in KIND_NAMES.items()}
        other = names.get(given) if isinstance(given, str) else None
        what = repr(given) if isinstance(given, str) else _what(given)
        hint = f"; build {other} builds it" if other else ""
        raise SpecError("kind", f"build {kind} builds a {KIND_NAMES[kind]}, and the spec is {what}{hint}")
    version = rest.pop("version", None)
    if version is not None and version not in DIALOG_VERSIONS:
        raise SpecError("version", f"expected one of {', '.join(DIALOG_VERSIONS)}, got {_what(version)}")
    if version is not None and dialog_version is not None and version != dialog_version:
        raise SpecError("version", f"the spec is Dialogmelding {version}, and {dialog_version} is asked for")
    return rest, dialog_version or version


def spec_key(field: str | None) -> str | None:
    """The spec key of a model path as :class:`~dmtool.errors.BuildError` names it: ``body.question`` is ``text``,
    ``body.roles[0].role`` is ``roles[0].role``, ``version`` is ``dialog_version``; envelope paths stay as they are."""
    if field is None:
        return None
    if field == "version":
        return _VERSION_ARG
    if not field.startswith("body."):
        return field
    key = field.removeprefix("body.")
    return re.sub(r"^question\b", "text", key)


def xml_from_spec(
    kind: str, data: object, dialog_version: str | None = None, settings: Settings | None = None
) -> bytes:
    """The schema-valid XML of :func:`build_from_spec`, its hard rules checked under ``settings`` (see
    :func:`dmtool.build.to_xml`); a :class:`~dmtool.errors.BuildError` of the writer becomes a
    :class:`SpecError` naming the spec key (``subject`` for a 1.1-only field in a 1.0 message)."""
    message = build_from_spec(kind, data, dialog_version)
    try:
        return build.to_xml(message, settings=settings)
    except BuildError as error:
        text = str(error).removeprefix(f"{error.field}: ") if error.field else str(error)
        whole = isinstance(data, Mapping) and _MESSAGE_KEY in data  # its keys are the model's paths
        key = error.field if whole else spec_key(error.field)
        raise SpecError(key, text, error.issues if isinstance(error, RuleError) else ()) from None


def example(kind: str) -> dict[str, Any]:
    """A complete spec for ``kind`` (``foresporsel``, ``notat``, ``helsefaglig``) with synthetic parties and patient.

    It leaves out ``msg_id``, ``gen_date`` and ``conversation``, which identify one real message.
    """
    _builder(kind)
    return copy.deepcopy(EXAMPLES[kind])
