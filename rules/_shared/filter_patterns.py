"""CloudWatch Logs JSON filter patterns, parsed and evaluated against one JSON log event.

Why: a CIS metric filter must be judged by what it matches, not by its text (Security Hub
and peers compare strings, so a re-spaced or reordered but correct filter fails). Pure Python,
shipped in the rule's Lambda through a symlink.

Supported, as the CloudWatch Logs user guide documents JSON filter patterns:
- `{ expression }`; `&&`, `||` (&& binds tighter) and parentheses, any spacing;
- selectors `$.a.b`, with array indexes `$.a[0].b`;
- `=` and `!=` with a string, quoted ("x y") or not (CreateTrail), where `*` is a wildcard;
- `=`, `!=`, `<`, `>`, `<=`, `>=` with a number;
- `IS NULL`, `IS TRUE`, `IS FALSE`, `EXISTS`, `NOT EXISTS`;
- the empty pattern, which matches every event.
A comparison on a field that is missing, null, an object or an array is false, for `!=`
too (`NOT EXISTS` and `IS NULL` are how a pattern asks for absence). Anything else (term and
space-delimited patterns, `%regex%`, `[*]`, `$.*`) raises UnsupportedPattern: never a match.
"""
import re
from dataclasses import dataclass

TOKEN = re.compile(
    r"""\s*(?:
        (?P<punct>&&|\|\||[{}()])
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<selector>\$(?:\.[A-Za-z0-9_@-]+|\[\d+\])+)(?![.\[\w*$])
      | "(?P<quoted>(?:[^"\\]|\\.)*)"
      | (?P<regex>%[^%]*%)
      | (?P<word>[^\s(){}"&|=!<>]+)
    )""",
    re.VERBOSE,
)
NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
KEYWORDS = {"IS", "NULL", "NOT", "EXISTS", "TRUE", "FALSE"}
NUMERIC_OPS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}
MISSING = object()


class UnsupportedPattern(ValueError):
    """The pattern uses syntax this evaluator does not know, or is malformed."""


@dataclass(frozen=True)
class Comparison:
    path: tuple  # names (str) and array indexes (int)
    op: str  # =, !=, <, >, <=, >=, IS NULL, IS TRUE, IS FALSE, EXISTS, NOT EXISTS
    value: object = None  # a compiled wildcard regex for strings, a float for numbers

    def matches(self, event):
        found = _lookup(event, self.path)
        if self.op == "EXISTS":
            return found is not MISSING
        if self.op == "NOT EXISTS":
            return found is MISSING
        if self.op == "IS NULL":
            return found is None
        if self.op in ("IS TRUE", "IS FALSE"):
            return found is (self.op == "IS TRUE")
        if isinstance(self.value, float):
            number = isinstance(found, (int, float)) and not isinstance(found, bool)
            return number and NUMERIC_OPS[self.op](float(found), self.value)
        if not isinstance(found, str):
            return False
        return bool(self.value.fullmatch(found)) == (self.op == "=")


@dataclass(frozen=True)
class Group:
    kind: str  # "&&" or "||"
    terms: tuple

    def matches(self, event):
        test = all if self.kind == "&&" else any
        return test(term.matches(event) for term in self.terms)


class MatchAll:
    """The empty pattern."""

    def matches(self, event):
        return True


def _lookup(event, path):
    value = event
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return MISSING
            value = value[step]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            return MISSING
    return value


def _wildcard(text):
    return re.compile(".*".join(re.escape(part) for part in text.split("*")), re.DOTALL)


def _tokens(text):
    tokens, position = [], 0
    while position < len(text):
        if not text[position:].strip():
            break
        match = TOKEN.match(text, position)
        if match is None:
            raise UnsupportedPattern(f"unsupported syntax at character {position + 1}: {text[position:position + 20]!r}")
        kind = match.lastgroup
        if kind == "regex":
            raise UnsupportedPattern(f"regular expressions ({match.group(kind)}) are not evaluated")
        value = match.group(kind)
        if kind == "word" and value.upper() in KEYWORDS:
            kind, value = "keyword", value.upper()
        tokens.append((kind, value, match.start(match.lastgroup) + 1))  # where the token starts, not its leading space
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text):
        self.tokens = _tokens(text)
        self.index = 0

    def peek(self, offset=0):
        index = self.index + offset
        return self.tokens[index] if index < len(self.tokens) else (None, None, None)

    def take(self, kind=None, value=None, expected=""):
        token = self.peek()
        if token[0] is None or (kind and token[0] != kind) or (value and token[1] != value):
            where = f"at character {token[2]}" if token[2] else "at the end"
            raise UnsupportedPattern(f"expected {expected or value or kind} {where}")
        self.index += 1
        return token

    def expression(self):
        return self._group("||", self._conjunction)

    def _conjunction(self):
        return self._group("&&", self._atom)

    def _group(self, kind, term):
        terms = [term()]
        while self.peek()[:2] == ("punct", kind):
            self.take()
            terms.append(term())
        return terms[0] if len(terms) == 1 else Group(kind, tuple(terms))

    def _atom(self):
        if self.peek()[:2] == ("punct", "("):
            self.take()
            inner = self.expression()
            self.take("punct", ")", "')'")
            return inner
        return self._comparison()

    def _comparison(self):
        _, selector, _ = self.take("selector", expected="a selector such as $.eventName")
        path = tuple(int(index) if index else name for name, index in re.findall(r"\.([^.\[]+)|\[(\d+)\]", selector))
        kind, value, _ = self.peek()
        if kind == "keyword":
            return Comparison(path, self._keyword_test())
        _, op, _ = self.take("op", expected="an operator (=, !=, <, >, <=, >=, IS, EXISTS, NOT EXISTS)")
        kind, value, where = self.take(expected="a value")
        if kind == "word" and NUMBER.match(value):
            return Comparison(path, op, float(value))
        if kind not in ("word", "quoted"):
            raise UnsupportedPattern(f"expected a value at character {where}")
        if op not in ("=", "!="):
            raise UnsupportedPattern(f"{op} compares numbers only, not {value!r}")
        return Comparison(path, op, _wildcard(value.replace('\\"', '"') if kind == "quoted" else value))

    def _keyword_test(self):
        words = []
        while self.peek()[0] == "keyword":
            words.append(self.take()[1])
        test = " ".join(words)
        if test not in ("IS NULL", "IS TRUE", "IS FALSE", "EXISTS", "NOT EXISTS"):
            raise UnsupportedPattern(f"unsupported test {test!r}")
        return test


def parse(text):
    """The pattern as a tree with .matches(event); UnsupportedPattern when it cannot be evaluated."""
    text = (text or "").strip()
    if not text:
        return MatchAll()
    if not text.startswith("{"):
        raise UnsupportedPattern("only JSON filter patterns ({ ... }) are evaluated, not term or space-delimited ones")
    parser = _Parser(text)
    parser.take("punct", "{")
    tree = parser.expression()
    parser.take("punct", "}", "'}'")
    if parser.peek()[0] is not None:
        raise UnsupportedPattern(f"unexpected {parser.peek()[1]!r} after the closing brace, at character {parser.peek()[2]}")
    return tree


def matches(text, event):
    """Whether the filter pattern matches the decoded JSON event (UnsupportedPattern if it cannot say)."""
    return parse(text).matches(event)
