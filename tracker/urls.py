"""URL validation and the one function that decides an item's identity (its dedupe key).

URLs are stored as the user gave them; ``identity_key`` is only used to spot the same page twice.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from tracker.errors import TrackerError

DEFAULT_PORTS = {"http": 80, "https": 443}
_WHITESPACE = re.compile(r"\s")

# Query parameters that track a visit rather than name a page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid",
        "_hsenc", "_hsmi", "mkt_tok", "ref_src", "ref_url", "si", "pp", "feature", "ab_channel",
        "source", "src", "cmpid", "s_cid", "trk", "spm", "share", "s",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_", "vero_", "oly_")

_ARXIV_PATH = re.compile(
    r"^/(?:abs|pdf|html|format)/(?P<id>(?:\d{4}\.\d{4,5})|(?:[a-z\-]+(?:\.[A-Z]{2})?/\d{7}))(?:v\d+)?(?:\.pdf)?/?$"
)
_YOUTUBE_HOSTS = {"youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be", "youtube-nocookie.com"}


class InvalidURLError(TrackerError):
    """A URL that is not an absolute http(s) address."""


_BARE_HOST = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(:\d+)?([/?#]|$)")


def validate_url(url: str) -> str:
    """Return ``url`` stripped, or raise when it is not an absolute http(s) URL with a host."""
    text = (url or "").strip()
    if not text:
        raise InvalidURLError("URL is empty")
    if _WHITESPACE.search(text):
        raise InvalidURLError(f"URL contains whitespace: {text!r}")
    parts = split_url(text)
    if parts.scheme.lower() not in DEFAULT_PORTS:
        # "example.com/post" (a host without a scheme) is a common slip: say what was probably meant.
        hint = f" (did you mean https://{text}?)" if _BARE_HOST.match(text) else ""
        raise InvalidURLError(f"only http and https URLs are allowed, not {text!r}{hint}")
    if not parts.hostname:
        raise InvalidURLError(f"URL has no host: {text!r}")
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise InvalidURLError(f"URL has a bad port: {text!r}") from exc
    return text


def split_url(text: str) -> SplitResult:
    """``urlsplit``, with a malformed URL ("http://[::1/": an unclosed IPv6 bracket) as an InvalidURLError."""
    try:
        return urlsplit(text)
    except ValueError as exc:
        raise InvalidURLError(f"URL is malformed ({exc}): {text!r}") from None


def refuse_credentials(url: str) -> str:
    """Return ``url``, or raise when it holds a user name or password (``https://user:pass@host/``).

    Every URL tracker stores is committed to git and published, so a secret in one would leak: a new URL
    (add, edit --url, import) with one is refused, and the message shows it without, never repeating it.
    URLs already in the file are left alone (a hand edit is the person's choice)."""
    text = (url or "").strip()
    netloc = split_url(text).netloc
    if "@" in netloc:
        safe = urlunsplit(urlsplit(text)._replace(netloc=netloc.rpartition("@")[2]))
        raise InvalidURLError(f"the URL holds a user name or password, which tracker would commit and publish: "
                              f"give it without, as {safe}")
    return text


def ascii_host(host: str) -> str:
    """An internationalised host name in its one ASCII form (``bücher.example`` -> ``xn--bcher-kva.example``),
    lower case; a name the IDNA rules cannot encode is returned lower-cased as it is."""
    host = host.lower().rstrip(".")
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def display_host(host: str) -> str:
    """The host as people read it: ``xn--`` labels shown in their own script (``bücher.example``)."""
    host = host.lower()
    if "xn--" not in host:
        return host
    try:
        return host.encode("ascii").decode("idna")
    except UnicodeError:
        return host


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def site_host(url: str) -> str:
    """The host of ``url`` as people name a site: lower case, without ``www.`` ("" when there is none)."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def names_pdf(url: str) -> bool:
    """True when the URL's path ends in ``.pdf`` (a guess at the content before any fetch)."""
    return urlsplit(url.strip()).path.lower().endswith(".pdf")


def arxiv_id(url: str) -> str | None:
    """The arXiv identifier (without version) of an abs/pdf/html URL, else None."""
    return _arxiv_id(urlsplit(url.strip()))


def _arxiv_id(parts: SplitResult) -> str | None:
    host = (parts.hostname or "").lower()
    if host not in {"arxiv.org", "www.arxiv.org", "export.arxiv.org"}:
        return None
    match = _ARXIV_PATH.match(parts.path)
    return match.group("id") if match else None


def youtube_video_id(url: str) -> str | None:
    """The video id of a YouTube watch/short/embed URL, else None."""
    return _youtube_video_id(urlsplit(url.strip()))


def _youtube_video_id(parts: SplitResult) -> str | None:
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host not in _YOUTUBE_HOSTS:
        return None
    if host == "youtu.be":
        vid = parts.path.strip("/").split("/")[0]
        return vid or None
    query = dict(parse_qsl(parts.query))
    if parts.path == "/watch" and query.get("v"):
        return query["v"]
    for prefix in ("/shorts/", "/embed/", "/live/", "/v/"):
        if parts.path.startswith(prefix):
            return parts.path[len(prefix):].split("/")[0] or None
    return None


def identity_key(url: str) -> str:
    """A normalised form of ``url``: two URLs with the same key are the same resource.

    Lower-cases scheme and host, drops ``www.``, default ports, fragments, trailing slashes and tracking
    parameters, sorts the query, and maps every arXiv abs/pdf/versioned URL of a paper to one key and
    every YouTube URL of a video to one key.
    """
    parts = urlsplit(url.strip())  # split once: this runs for every item of a 20,000-row import
    paper = _arxiv_id(parts)
    if paper:
        return f"arxiv:{paper}"
    video = _youtube_video_id(parts)
    if video:
        return f"youtube:{video}"
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"  # the same page served both ways is one resource
    host = ascii_host(parts.hostname or "")  # bücher.example and xn--bcher-kva.example are one host
    host = host.removeprefix("www.")
    netloc = host
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port not in DEFAULT_PORTS.values():
        netloc = f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%")
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    for index_page in ("/index.html", "/index.htm", "/index.php"):
        if path.endswith(index_page):
            path = path[: -len(index_page)]
    query_pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking_param(k)]
    query = urlencode(sorted(query_pairs))
    return urlunsplit((scheme, netloc, path, query, ""))


def readable_title_from_url(url: str) -> str:
    """A title for an item that has none: the last meaningful path segment, else the host."""
    parts = urlsplit(url.strip())
    host = display_host(parts.hostname or url).removeprefix("www.")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    while segments and segments[-1].lower() in {"index.html", "index.htm", "index.php"}:
        segments.pop()
    if not segments:
        return host
    last = re.sub(r"\.(html?|php|aspx?|pdf)$", "", segments[-1], flags=re.I)
    words = re.sub(r"[-_+]+", " ", last).split()
    if not words:
        return host
    return f"{' '.join(_title_word(word, index) for index, word in enumerate(words))} ({host})"


# Well-known abbreviations are written the way people write them ("ml-interviews-book" -> "ML interviews book").
_ABBREVIATIONS = {
    word.lower(): word
    for word in (
        "AI", "ML", "LLM", "LLMs", "GPT", "NLP", "API", "CNN", "RNN", "GPU", "GPUs", "CPU", "RAG", "SQL", "UI",
        "UX", "FAQ", "HTML", "CSS", "JSON", "YAML", "CLI", "PDF", "RL", "CV", "DL", "MLOps", "OCW",
    )
}


def _title_word(word: str, index: int) -> str:
    """Sentence case: the first word capitalised, abbreviations as people write them, the rest as given."""
    lowered = word.lower()
    if lowered in _ABBREVIATIONS:
        return _ABBREVIATIONS[lowered]
    if index == 0 and word == lowered:
        return word[:1].upper() + word[1:]
    return word


# Letters of scripts with a customary Latin spelling, for ids (an id is ASCII so it is easy to type).
_TRANSLITERATION = {
    **dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяієїґ",
               ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s",
                "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "ye", "yi", "g"],
               strict=True)),
    **dict(zip("αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
               ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p", "r", "s", "s",
                "t", "y", "f", "ch", "ps", "o", "a", "e", "i", "i", "o", "y", "o", "i", "y", "i", "y"],
               strict=True)),
}


def ascii_words(text: str) -> str:
    """``text`` with Cyrillic and Greek letters spelt in Latin ones (``Пример`` -> ``Primer``); other
    characters unchanged."""
    out = []
    for char in text:
        latin = _TRANSLITERATION.get(char.lower())
        if latin is None:
            out.append(char)
        else:
            out.append(latin.capitalize() if char.isupper() else latin)
    return "".join(out)


def id_words_from_url(url: str) -> str:
    """Words for an item id made from its URL alone: the readable title, spelt in Latin letters where a
    customary spelling exists, else with the host in its ASCII (punycode) form."""
    words = ascii_words(readable_title_from_url(url))
    if re.search(r"[A-Za-z0-9]", words.encode("ascii", "ignore").decode()):
        return words
    return ascii_host(urlsplit(url.strip()).hostname or "")
