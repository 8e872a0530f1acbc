"""Safe YAML reading and the one deterministic YAML writer for tracker's data files.

Reading: only PyYAML's safe C loader; anchors, aliases and explicit tags are refused before anything is built,
so an alias bomb fails in linear time and no Python object is ever constructed.

Writing: a small emitter of our own (not ``yaml.dump``) so the same data always gives the same bytes: block
mappings, one key per line in a fixed order, flow lists for lists of scalars, double-quoted strings where a plain
scalar would be read back as something else.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from tracker.errors import DataError

# An anchor (&a), alias (*a) or tag (!t) can only start where a YAML token starts: at the start of the text or
# after a space, newline, "[", "{" or ",". Text without such a spot has none of them; text with one is checked
# event by event (a quoted "*emphasis*" is a false alarm, not an error).
_MARK = re.compile(r"[&*!](?=\S)")
_TOKEN_START = frozenset(" \t\n\r[{,")


def may_hold_anchor_alias_or_tag(text: str) -> bool:
    """False when ``text`` certainly has no anchor, alias or tag (a fast scan for the rare characters)."""
    for match in _MARK.finditer(text):
        at = match.start()
        if at == 0 or text[at - 1] in _TOKEN_START:
            return True
    return False

_IMPLICIT_FIRST_CHARS: frozenset[str] | None = None
_RESOLVER: Any = None
_PLAIN_WORDS = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\u2028\u2029]+(?: [^\s\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\u2028\u2029]+)*")
_PLAIN_FIRST_BAD = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_BAD = set(",[]{}?")  # "?" inside [...] can end a plain scalar or start a key: quote it
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0", "\x85": "\\N",
            "\u2028": "\\L", "\u2029": "\\P", "\ufeff": "\\uFEFF"}


def _implicit_first_chars() -> frozenset[str]:
    global _IMPLICIT_FIRST_CHARS
    if _IMPLICIT_FIRST_CHARS is None:
        import yaml

        _IMPLICIT_FIRST_CHARS = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)
    return _IMPLICIT_FIRST_CHARS


def _reads_back_as_string(text: str) -> bool:
    """True when a plain scalar ``text`` would load as that same string (not a bool, number, date or null)."""
    if text[0] not in _implicit_first_chars():
        return True
    global _RESOLVER
    import yaml

    if _RESOLVER is None:
        _RESOLVER = yaml.resolver.Resolver()
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"


def _plain_ok(text: str, flow: bool) -> bool:
    if not text or text[0] in _PLAIN_FIRST_BAD or not _PLAIN_WORDS.fullmatch(text):
        return False
    if ": " in text or " #" in text or text.endswith(":") or may_hold_anchor_alias_or_tag(text):
        return False
    if flow and (_FLOW_BAD & set(text)):
        return False
    return _reads_back_as_string(text)


def _printable(ch: str) -> bool:
    """YAML's printable characters (a function, not a regex: compiling that class costs start-up time)."""
    code = ord(ch)
    return (code in (0x09, 0x0A, 0x0D, 0x85) or 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF)


def _quote(text: str) -> str:
    out = []
    for index, ch in enumerate(text):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch in "&*!" and (index == 0 or text[index - 1] in " \t[{,"):
            # Keep quoted text free of anything that looks like an anchor, alias or tag to the safety pre-check.
            out.append(f"\\x{ord(ch):02x}")
        elif not _printable(ch):
            code = ord(ch)
            if 0xD800 <= code <= 0xDFFF:
                # Half a character: what Python makes of a byte that is not UTF-8 (a Latin-1 "\xe9" typed in
                # a terminal). Written out it would make a file no reader accepts, so it is refused here.
                raise NotTextError(f"{_shown(text)} holds a byte that is not UTF-8 text (\\x{code - 0xDC00:02x}); "
                                   "type it again as UTF-8 text")
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def scalar(value: Any, flow: bool = False) -> str:
    """One scalar as YAML text that loads back to an equal value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "." in text:
            return text
        # YAML 1.1 floats need a dot: 1e-05 -> 1.0e-05, 3 -> 3.0
        mantissa, e, exponent = text.partition("e")
        return f"{mantissa}.0{e}{exponent}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if _plain_ok(text, flow) else _quote(text)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list | tuple)


class NotTextError(DataError):
    """A value holding a lone surrogate: it cannot be written as UTF-8, so it is refused before any write."""


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _emit_mapping(mapping: dict, indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        try:
            head = f"{pad}{scalar(key)}:"
            _emit_value(head, value, indent, out)
        except NotTextError as exc:
            raise NotTextError(f"{key}: {exc.message}" if indent == 2 else exc.message) from None


def _emit_value(head: str, value: Any, indent: int, out: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            out.append(f"{head} {{}}")
            return
        out.append(head)
        _emit_mapping(value, indent + 2, out)
    elif isinstance(value, list | tuple):
        if all(_is_scalar(v) for v in value):
            out.append(f"{head} [" + ", ".join(scalar(v, flow=True) for v in value) + "]")
            return
        out.append(head)
        _emit_sequence(value, indent, out)
    else:
        out.append(f"{head} {scalar(value)}")


def _emit_sequence(items: Iterable[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            start = len(out)
            _emit_mapping(item, indent + 2, out)
            out[start] = f"{pad}- " + out[start][indent + 2:]
        elif isinstance(item, list | tuple) and item and not all(_is_scalar(v) for v in item):
            out.append(f"{pad}-")
            _emit_sequence(item, indent + 2, out)
        else:
            _emit_value(f"{pad}-", item, indent, out)


def dump_item(item: dict) -> str:
    """One list item as a block starting with ``- `` at column 0, ending with a newline."""
    out: list[str] = []
    _emit_sequence([item], 0, out)
    return "\n".join(out) + "\n"


def dump_value(name: str, value: Any) -> str:
    """A top-level key a person added that tracker does not know, written back faithfully."""
    out: list[str] = []
    _emit_value(f"{scalar(name)}:", value, 0, out)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------- reading


def _mark_line(mark: Any, line_offset: int) -> int | None:
    return None if mark is None else mark.line + 1 + line_offset


def check_no_anchors_or_tags(text: str, path: Any, line_offset: int = 0) -> None:
    """Refuse anchors, aliases and explicit tags. Fast when the text has nothing that could be one."""
    if not may_hold_anchor_alias_or_tag(text):
        return
    import yaml

    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent):
                raise DataError(f"YAML alias '*{anchor}' is not allowed (write the value out)",
                                path, _mark_line(event.start_mark, line_offset))
            if anchor is not None:
                raise DataError(f"YAML anchor '&{anchor}' is not allowed", path,
                                _mark_line(event.start_mark, line_offset))
            tag = getattr(event, "tag", None)
            if tag is not None and isinstance(event, yaml.NodeEvent):
                short = tag.replace("tag:yaml.org,2002:", "!!")
                raise DataError(f"YAML tag '{short}' is not allowed", path, _mark_line(event.start_mark, line_offset))
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path, line_offset, text) from None


_HINTS = {
    "mapping values are not allowed": "a value holding ': ' must be quoted, e.g. title: \"A: b\"",
    "found character '\\t' that cannot start any token": "indent with spaces, not tabs",
}


def yaml_error(exc: Any, path: Any, line_offset: int = 0, text: str | None = None) -> DataError:
    """A PyYAML error as one line: ``file:line: what is wrong`` (with the usual fix when there is one)."""
    import yaml

    if isinstance(exc, yaml.reader.ReaderError):
        line = None if text is None else text.count("\n", 0, exc.position) + 1 + line_offset
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        return DataError(f"the character U+{char:04X} is not allowed in a YAML file (remove it)", path, line)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    hint = next((fix for start, fix in _HINTS.items() if str(problem).startswith(start)), None)
    if hint:
        message += f"; {hint}"
    return DataError(message, path, _mark_line(mark, line_offset))


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_SURROGATE = re.compile("[\ud800-\udfff]")
_timestamp_checker: Any = None


def _valid_timestamp(node: Any) -> bool:
    global _timestamp_checker
    import yaml

    if _timestamp_checker is None:
        _timestamp_checker = yaml.constructor.SafeConstructor()
    try:
        _timestamp_checker.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        return False
    return True


def check_nodes(node: Any, path: Any, line_offset: int = 0) -> None:
    """Refuse what PyYAML would accept silently but a person did not mean, before anything is built:
    a key given twice in one mapping (the last would win and the first be lost), a ``<<`` merge key, and
    text that is not Unicode (a ``"\\udce9"`` escape). A date that is no date (``2024-13-45``) is read as the
    text written, for the models to judge."""
    import yaml

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key, value in current.value:
                line = _mark_line(key.start_mark, line_offset)
                if key.tag == _MERGE:
                    raise DataError("'<<' merge keys are not supported: write the fields out", path, line)
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        what = "section" if current is node else "key"
                        raise DataError(f"{what} '{key.value}' appears twice (first on line {seen[key.value]}): "
                                        f"keep one, or merge the two", path, line)
                    seen[key.value] = line or 0
                stack.append(key)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.ScalarNode):
            if current.style == '"' and _SURROGATE.search(current.value):
                raise DataError("an escape here stands for half a character (a byte that is not UTF-8 text): "
                                "write the character itself", path, _mark_line(current.start_mark, line_offset))
            if current.tag == _TIMESTAMP and not _valid_timestamp(current):
                current.tag = _STR


def compose(text: str, path: Any, line_offset: int = 0) -> tuple[Any, Any]:
    """Safely compose ``text`` to a node tree; returns (node, loader) so the caller can construct with marks."""
    import yaml

    check_no_anchors_or_tags(text, path, line_offset)
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            check_nodes(node, path, line_offset)
    except yaml.YAMLError as exc:
        loader.dispose()
        raise yaml_error(exc, path, line_offset, text) from None
    except DataError:
        loader.dispose()
        raise
    return node, loader


def construct(node: Any, loader: Any, path: Any, line_offset: int = 0) -> Any:
    """Build plain Python data (dicts, lists, str, int, date...) from a safely composed node."""
    import yaml

    try:
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, path, line_offset) from None
    finally:
        loader.dispose()


def safe_load(text: str, path: Any, line_offset: int = 0, adjust: Any = None) -> Any:
    """Parse ``text`` with the safe C loader after refusing anchors, aliases, tags, duplicate and merge keys.

    ``adjust(node)``, when given, may change the composed nodes before they are built (the document reads
    ``topic: 3.10`` as the text written by retagging that scalar)."""
    node, loader = compose(text, path, line_offset)
    if node is None:
        loader.dispose()
        return None
    if adjust is not None:
        adjust(node)
    return construct(node, loader, path, line_offset)
