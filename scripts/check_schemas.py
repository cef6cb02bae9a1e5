#!/usr/bin/env python3
"""Check the JSON Schemas under schemas/ and the documents they describe.

Usage (run from anywhere; paths are relative to the current directory):

    check_schemas.py                     every schemas/*.schema.json is a valid schema,
                                         every examples/*.yaml is valid against
                                         schemas/spec.schema.json
    check_schemas.py yaml SCHEMA FILE... YAML files against SCHEMA
    check_schemas.py json SCHEMA FILE... JSON files (e.g. `standby compile --format json`
                                         output) against SCHEMA
    check_schemas.py --self-test         the spec schema rejects known-bad specs and
                                         accepts known-good ones

YAML is read as YAML 1.2 (core schema), the way the tool and yaml-language-server
read it: only true/false are booleans, so `yes` stays the string "yes"; `012` is
the integer 12; there are no timestamps and no `<<` merge keys. Duplicate keys are
errors. Every failure names the file, the line:column when known, and the JSON
path of the failing value. Exit status: 0 all valid, 1 something failed, 64 usage.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

try:
    import yaml
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
except ImportError as error:  # the bash wrapper installs them; this is the fallback
    sys.stderr.write(
        f"check-schemas: error: {error}; install them with "
        "`python3 -m pip install jsonschema pyyaml` "
        "(Debian: `apt-get install python3-jsonschema python3-yaml`)\n"
    )
    sys.exit(1)

ROOT = Path(__file__).resolve().parent.parent
SPEC_SCHEMA = ROOT / "schemas" / "spec.schema.json"
MODELINE = "# yaml-language-server: $schema=../schemas/spec.schema.json"


# --- YAML 1.2 loading, keeping where each value came from ---------------------


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.resolver.BaseResolver,
):
    """PyYAML's composer with YAML 1.2 core-schema tag resolution."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.resolver.BaseResolver.__init__(self)


_TAG = "tag:yaml.org,2002:"
# Registered per first character; int before float so "12" is an int.
_Loader.add_implicit_resolver(
    _TAG + "null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Loader.add_implicit_resolver(
    _TAG + "bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Loader.add_implicit_resolver(
    _TAG + "int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    _TAG + "float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


class LoadError(Exception):
    def __init__(self, message: str, mark=None):
        super().__init__(message)
        self.mark = mark


def _scalar(node):
    tag, text = node.tag, node.value
    if tag == _TAG + "str":
        return text
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return text.lower() == "true"
    if tag == _TAG + "int":
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)
    if tag == _TAG + "float":
        lowered = text.lower().lstrip("+")
        if lowered in (".inf", "-.inf"):
            return float(lowered.replace(".", ""))
        if lowered == ".nan":
            return float("nan")
        return float(text)
    raise LoadError(f"unsupported tag {tag!r}", node.start_mark)


def load_yaml(text: str, name: str):
    """Returns (value, marks, key_marks); marks map a JSON path tuple to a mark."""
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as error:
        raise LoadError(f"YAML syntax: {error.problem}", error.problem_mark) from None
    if len(documents) != 1:
        raise LoadError(f"expected one YAML document, found {len(documents)}")
    marks: dict[tuple, object] = {}
    key_marks: dict[tuple, object] = {}
    building: set[int] = set()

    def build(node, path):
        marks[path] = node.start_mark
        if id(node) in building:
            raise LoadError("recursive alias", node.start_mark)
        building.add(id(node))
        try:
            if isinstance(node, yaml.ScalarNode):
                return _scalar(node)
            if isinstance(node, yaml.SequenceNode):
                return [build(item, path + (i,)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                result = {}
                for key_node, value_node in node.value:
                    key = build(key_node, path + ("<key>",))
                    if not isinstance(key, str):
                        key = str(key)  # JSON keys are strings; the schema rejects it anyway
                    if key in result:
                        raise LoadError(f"duplicate key {key!r}", key_node.start_mark)
                    key_marks[path + (key,)] = key_node.start_mark
                    result[key] = build(value_node, path + (key,))
                return result
            raise LoadError(f"unexpected node {node!r}", node.start_mark)
        finally:
            building.discard(id(node))

    return build(documents[0], ()), marks, key_marks


def load_json(text: str):
    def no_duplicates(pairs):
        result = {}
        for key, value in pairs:
            if key in result:
                raise LoadError(f"duplicate key {key!r}")
            result[key] = value
        return result

    def no_constant(name):
        raise LoadError(f"{name} is not JSON")

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant)
    except json.JSONDecodeError as error:
        raise LoadError(f"JSON syntax: {error.msg} at line {error.lineno} column {error.colno}")


# --- validation -----------------------------------------------------------------


def json_path(path) -> str:
    text = "$"
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            text += f".{part}"
        else:
            text += f"[{json.dumps(part)}]"
    return text


def load_schema(path: Path) -> Draft202012Validator:
    try:
        schema = load_json(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
    except OSError as error:
        raise SystemExit(f"check-schemas: error: {path}: cannot read: {error.strerror}")
    except LoadError as error:
        raise SystemExit(f"check-schemas: error: {path}: {error}")
    except SchemaError as error:
        raise SystemExit(
            f"check-schemas: error: {path}: not a valid 2020-12 schema at "
            f"{json_path(error.absolute_path)}: {error.message}"
        )
    return Draft202012Validator(schema)


def _hint(error) -> str | None:
    if error.validator == "type" and isinstance(error.instance, str):
        if "boolean" in error.validator_value and error.instance.lower() in (
            "yes", "no", "on", "off", "y", "n",
        ):
            return "only true and false are booleans (YAML 1.2)"
    if error.validator == "pattern" and isinstance(error.schema, dict):
        return error.schema.get("description")
    return None


class Problem:
    """One schema violation: where it is and what is wrong."""

    def __init__(self, path: tuple, mark, message: str, hint: str | None):
        self.path, self.mark, self.message, self.hint = path, mark, message, hint

    def render(self, file: str) -> str:
        where = f"{file}:{self.mark.line + 1}:{self.mark.column + 1}:" if self.mark else f"{file}:"
        text = f"{where} error: {json_path(self.path)}: {self.message}"
        return text + (f"\n    note: {self.hint}" if self.hint else "")


def problems(validator, instance, marks=None, key_marks=None) -> list[Problem]:
    """Every schema violation, in document order."""
    marks = marks or {}
    key_marks = key_marks or {}
    found = []
    for error in validator.iter_errors(instance):
        path = tuple(error.absolute_path)
        mark = marks.get(path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            # Point at the unexpected key itself, not at the mapping holding it.
            allowed = set(error.schema.get("properties", {}))
            extra = [key for key in error.instance if key not in allowed]
            if extra:
                path, mark = path + (extra[0],), key_marks.get(path + (extra[0],), mark)
        found.append(Problem(path, mark, error.message, _hint(error)))
    return sorted(found, key=lambda p: (p.mark.line, p.mark.column) if p.mark else (1 << 30, 0))


def check_file(validator, path: Path, kind: str, require_modeline=False) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"{path}: error: cannot read: {error}", file=sys.stderr)
        return False
    try:
        if kind == "yaml":
            instance, marks, key_marks = load_yaml(text, str(path))
        else:
            instance, marks, key_marks = load_json(text), {}, {}
    except LoadError as error:
        where = f"{error.mark.line + 1}:{error.mark.column + 1}:" if error.mark else ""
        print(f"{path}:{where} error: {error}", file=sys.stderr)
        return False
    ok = True
    if require_modeline and text.split("\n", 1)[0].rstrip("\r") != MODELINE:
        print(f"{path}:1:1: error: first line must be `{MODELINE}`", file=sys.stderr)
        ok = False
    for problem in problems(validator, instance, marks, key_marks):
        print(problem.render(str(path)), file=sys.stderr)
        ok = False
    return ok


def check_default() -> int:
    failures = 0
    schemas = sorted((ROOT / "schemas").glob("*.schema.json"))
    for path in schemas:
        load_schema(path)  # exits with a message when invalid
    print(f"check-schemas: {len(schemas)} schema(s) valid")
    spec = load_schema(SPEC_SCHEMA)
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    if not examples:
        print("check-schemas: error: no examples/*.yaml found", file=sys.stderr)
        return 1
    for path in examples:
        if check_file(spec, path, "yaml", require_modeline=True):
            print(f"ok    {path.relative_to(ROOT)}")
        else:
            print(f"FAIL  {path.relative_to(ROOT)}")
            failures += 1
    return 1 if failures else 0


def check_files(kind: str, schema_path: str, files: list[str]) -> int:
    validator = load_schema(Path(schema_path))
    failures = 0
    for name in files:
        if check_file(validator, Path(name), kind):
            print(f"ok    {name}")
        else:
            print(f"FAIL  {name}")
            failures += 1
    return 1 if failures else 0


# --- self-test ------------------------------------------------------------------

VALID = """\
version: 1
machines:
  - name: m
    memory: {memory}
    monitor: 32Mi
    oses:
      - name: active
        role: active
        memory: 160Mi
        kernel: 32Mi
        standby: standby
        jobs:
          - name: A
            memory: 128Mi
            hot_standby: true
      - name: standby
        role: standby
        memory: 32Mi
        kernel: 32Mi
"""

# (what it shows, document, JSON path the schema must blame)
REJECTED = [
    ("unknown key", VALID.replace("    monitor: 32Mi\n", "    monitor: 32Mi\n    monitr: 1Mi\n"),
     "$.machines[0].monitr"),
    ("unknown top-level key", "extra: 1\n" + VALID, "$.extra"),
    ("size with a unit the tool does not know", VALID.format(memory="12Mo"), "$.machines[0].memory"),
    ("role primary", VALID.replace("role: active", "role: primary"), "$.machines[0].oses[0].role"),
    ("YAML 1.1 boolean yes", VALID.replace("hot_standby: true", "hot_standby: yes"),
     "$.machines[0].oses[0].jobs[0].hot_standby"),
    ("version 2", VALID.replace("version: 1", "version: 2"), "$.version"),
    ("version as a string", VALID.replace("version: 1", 'version: "1"'), "$.version"),
    ("missing kernel", VALID.replace("        kernel: 32Mi\n        standby: standby\n",
                                     "        standby: standby\n"), "$.machines[0].oses[0]"),
    ("missing machines", "version: 1\n", "$"),
    ("job memory 0", VALID.replace("memory: 128Mi", "memory: 0Mi"),
     "$.machines[0].oses[0].jobs[0].memory"),
    ("bad name", VALID.replace("- name: A", "- name: -A"), "$.machines[0].oses[0].jobs[0].name"),
    ("bad reference", VALID.replace("standby: standby", "standby: a/b/c"),
     "$.machines[0].oses[0].standby"),
    ("lost over 100%", "policies: {memory_fault: {lost: 100.5%}}\n" + VALID,
     "$.policies.memory_fault.lost"),
    ("lost without %", "policies: {memory_fault: {lost: 50}}\n" + VALID,
     "$.policies.memory_fault.lost"),
    ("duplicate fault kind", "policies: {faults: [os, os]}\n" + VALID, "$.policies.faults"),
    ("unknown fault kind", "policies: {faults: [disk]}\n" + VALID, "$.policies.faults[0]"),
    ("unknown action", "policies: {job_fault: {severe: migrate}}\n" + VALID,
     "$.policies.job_fault.severe"),
    ("os_area drop", "policies: {os_fault: {os_area: drop}}\n" + VALID,
     "$.policies.os_fault.os_area"),
    ("pool on", "policies: {pool: on}\n" + VALID, "$.policies.pool"),
]
BAD_SIZES = ["12Mo", "-1Gi", "+1Gi", "1e3", "1E3Mi", "1K", "1KB", "1m", "1B", "1.5", ".5Gi",
             "1.Gi", "1 Gi", "Gi", "", "1.5.0Gi", -1, 1.5, 9223372036854775808]
GOOD_SIZES = ["256Mi", "256MiB", "1.5Gi", "0.5k", "1kB", "4G", "4GB", "1Ei", "1048576",
              "1.0", 0, 268435456, 9223372036854775807]
GOOD_POLICIES = [
    "policies: {}\n",
    "policies: {faults: [os, job, standby, memory, machine]}\n",
    "policies: {faults: []}\n",
    "policies: {memory_fault: {lost: 12.5%}}\n",
    "policies: {memory_fault: {lost: 0%}}\n",
    "policies: {memory_fault: {lost: 100.0%}}\n",
    "policies: {os_fault: {os_area: release}, pool: false}\n",
    "policies: {job_fault: {light: stop, severe: restart}}\n",
]


def self_test() -> int:
    spec = load_schema(SPEC_SCHEMA)
    failures = []

    def expect(label, text, blamed=None):
        instance, marks, key_marks = load_yaml(text, label)
        errors = list(spec.iter_errors(instance))
        if blamed is None:
            if errors:
                failures.append(f"{label}: should be valid, got: " + "; ".join(
                    p.render("<self-test>") for p in problems(spec, instance, marks, key_marks)))
            return
        if not errors:
            failures.append(f"{label}: should be rejected, was accepted")
            return
        paths = {json_path(p.path) for p in problems(spec, instance, marks, key_marks)}
        if blamed not in paths:
            failures.append(f"{label}: rejected, but at {sorted(paths)}, not {blamed}")

    expect("valid base document", VALID.format(memory="256Mi"))
    for label, text, blamed in REJECTED:
        expect(label, text.replace("{memory}", "256Mi"), blamed)
    for size in BAD_SIZES:
        expect(f"bad size {size!r}", VALID.format(memory=json.dumps(size)), "$.machines[0].memory")
    for size in GOOD_SIZES:
        expect(f"good size {size!r}", VALID.format(memory=json.dumps(size)))
    for policy in GOOD_POLICIES:
        expect(f"good {policy.strip()}", policy + VALID.format(memory="256Mi"))

    # The YAML layer itself: duplicate keys fail before the schema is consulted.
    try:
        load_yaml("version: 1\nversion: 1\n", "duplicate")
        failures.append("duplicate key: should be rejected by the loader")
    except LoadError:
        pass

    total = 1 + len(REJECTED) + len(BAD_SIZES) + len(GOOD_SIZES) + len(GOOD_POLICIES) + 1
    for failure in failures:
        print(f"self-test: FAIL {failure}", file=sys.stderr)
    if failures:
        print(f"self-test: {len(failures)} of {total} checks failed", file=sys.stderr)
        return 1
    print(f"self-test: {total} checks passed")
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        return check_default()
    if argv == ["--self-test"]:
        return self_test()
    if argv[0] in ("json", "yaml") and len(argv) >= 3:
        return check_files(argv[0], argv[1], argv[2:])
    if argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    print("usage: check-schemas [--self-test | json SCHEMA FILE... | yaml SCHEMA FILE...]",
          file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
