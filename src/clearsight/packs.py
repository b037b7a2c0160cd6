"""Conformance packs built from one source: the catalog plus conformance-packs/manifest/packs.yaml.

The output is deterministic (manifest order, no timestamps) and deploys as-is with
`aws configservice put-conformance-pack --template-body file://...`: plain YAML, intrinsic
functions as maps, only ConfigRule and RemediationConfiguration resources, within limits.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from .catalog import Catalog, CatalogError, Pack, default_root

MANIFEST = Path("conformance-packs/manifest/packs.yaml")
OUTPUT = Path("conformance-packs")
RDKLIB_KEYS = ("AssumeRoleMode", "ExecutionRoleName", "ExecutionRoleRegion")  # passed literally
NUMERIC = ("MaximumAutomaticAttempts", "RetryAttemptSeconds", "ConcurrentExecutionRatePercentage", "ErrorPercentage")
REMEDIATION_ORDER = (
    "ConfigRuleName", "TargetType", "TargetId", "TargetVersion", "ResourceType", "Automatic",
    "MaximumAutomaticAttempts", "RetryAttemptSeconds", "ExecutionControls", "Parameters",
)
ROLE_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/")
ACCOUNT = re.compile(r"^\d{12}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
PACK_NAME = re.compile(r"^[A-Za-z0-9][-A-Za-z0-9]*$")  # ConformancePackName [a-zA-Z][-a-zA-Z0-9]*, after "clearsight-"
ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")  # IAM role name
MANIFEST_KEYS = ("remediation_role", "packs")
PACK_KEYS = ("description", "rules", "include")
ENTRY_KEYS = {"rule": ("rule", "replaces", "why", "parameters", "remediation"),
              "managed": ("managed", "parameters", "frequency")}


class BuildError(Exception):
    """The manifest asks for a pack that cannot be built; says where and what to change."""


@dataclass(frozen=True)
class Options:
    lambda_account: str | None = None  # with region: literal Lambda ARNs instead of <Rule>LambdaArn
    region: str | None = None
    remediation_account: str | None = None  # account of the remediation role; default: parameters.json's

    def __post_init__(self):
        if (self.lambda_account is None) != (self.region is None):
            raise BuildError("--lambda-account and --region go together: both name the Lambda ARNs")
        if self.lambda_account and not ACCOUNT.match(self.lambda_account):
            raise BuildError(f"--lambda-account {self.lambda_account!r} is not a 12-digit account id")
        if self.region and not REGION.match(self.region):
            raise BuildError(f"--region {self.region!r} is not a region name such as us-east-1")
        if self.remediation_account and not ACCOUNT.match(self.remediation_account):
            raise BuildError(f"--remediation-account {self.remediation_account!r} is not a 12-digit account id")


def load_manifest(root: Path | None = None) -> dict:
    path = (Path(root) if root else default_root()) / MANIFEST
    try:
        manifest = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise BuildError(f"{path}: missing; it names each pack's rules") from None
    except yaml.YAMLError as error:
        raise BuildError(f"{path}: invalid YAML: {error}") from None
    except UnicodeDecodeError:
        raise BuildError(f"{path}: is not UTF-8 text (a binary file?); restore the YAML manifest") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("packs"), dict):
        raise BuildError(f"{path}: must be a mapping with a 'packs' mapping")
    unknown = sorted(set(manifest) - set(MANIFEST_KEYS))
    if unknown:
        raise BuildError(f"{path}: unknown key {', '.join(unknown)}; the manifest takes {', '.join(MANIFEST_KEYS)}")
    role = manifest.get("remediation_role", "clearsight-remediation")
    if not isinstance(role, str) or not ROLE_NAME.match(role):
        raise BuildError(f"{path}: remediation_role: {role!r} is not an IAM role name (up to 64 of letters, digits "
                         "and +=,.@_-); give the role's name, not its ARN")
    return manifest


def partition(region: str) -> str:
    """The ARN partition of a region: aws-cn for China, aws-us-gov for GovCloud, else aws."""
    return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


def _text(where: str, value) -> str:
    """A manifest value as the string Config passes on: YAML true/false as rules read them, empty for none."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value)
    raise BuildError(f"manifest {where}: {value!r} is not a single value; write a list as one comma-separated string")


def _mapping(where: str, value) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BuildError(f"manifest {where}: must be a mapping of name: value, not {type(value).__name__}")
    return value


def _rule_error(rule, field: str, message: str) -> BuildError:
    return BuildError(f"{rule.parameters_path}: {field}: {message}; fix it (`clearsight validate` checks it too)")


def logical_id(name: str) -> str:
    """CloudFormation logical id of a rule: S3_BUCKET_KMS_ENCRYPTION -> S3BucketKmsEncryption."""
    return "".join(part.capitalize() for part in name.split("_"))


def lambda_name(rule_name: str) -> str:
    """rdk's function name: RDK-Rule-Function- plus the rule name without underscores."""
    return "RDK-Rule-Function-" + rule_name.replace("_", "")


class _Template:
    """One pack being assembled: parameters, conditions and resources in insertion order."""

    def __init__(self):
        self.parameters, self.conditions, self.resources = {}, {}, {}

    def parameter(self, name, default=None, description=None):
        spec = {"Type": "String"}
        if default is not None:
            spec["Default"] = default
        if description:
            spec["Description"] = description
        self.parameters[name] = spec
        return {"Ref": name}

    def optional(self, name, default):
        """AWS's own packs' pattern: an empty value leaves the key out (AWS::NoValue)."""
        ref = self.parameter(name, default)
        condition = name[0].lower() + name[1:]
        self.conditions[condition] = {"Fn::Not": [{"Fn::Equals": ["", ref]}]}
        return {"Fn::If": [condition, ref, {"Ref": "AWS::NoValue"}]}

    def as_dict(self):
        template = {"Parameters": self.parameters} if self.parameters else {}
        if self.conditions:
            template["Conditions"] = self.conditions
        template["Resources"] = self.resources
        return template


class Builder:
    def __init__(self, catalog: Catalog, manifest: dict, options: Options = Options()):
        self.catalog, self.manifest, self.options = catalog, manifest, options

    def entries(self, pack_name, seen=()):
        """The pack's rule entries, included packs first, each with its manifest location."""
        spec = self.manifest["packs"].get(pack_name)
        if not isinstance(spec, dict):
            raise BuildError(f"manifest packs.{pack_name}: no such pack; known: {', '.join(self.manifest['packs'])}")
        if pack_name in seen:
            raise BuildError(f"manifest packs.{pack_name}: includes itself")
        unknown = sorted(set(spec) - set(PACK_KEYS))
        if unknown:
            raise BuildError(f"manifest packs.{pack_name}: unknown key {', '.join(map(str, unknown))}; a pack takes "
                             f"{', '.join(PACK_KEYS)}")
        for key in ("include", "rules"):
            if not isinstance(spec.get(key) or [], list):
                raise BuildError(f"manifest packs.{pack_name}.{key}: must be a list")
        for included in spec.get("include") or []:
            yield from self.entries(included, seen + (pack_name,))
        for index, entry in enumerate(spec.get("rules") or []):
            yield f"packs.{pack_name}.rules[{index}]", entry

    def build(self, pack_name) -> str:
        if not PACK_NAME.match(str(pack_name)):
            raise BuildError(f"manifest packs.{pack_name}: a pack name is letters, digits and '-', starting with "
                             "[A-Za-z0-9] (it becomes the file name and clearsight-<name>, the ConformancePackName)")
        template = _Template()
        for where, entry in self.entries(pack_name):
            if not isinstance(entry, dict) or ("rule" in entry) == ("managed" in entry):
                raise BuildError(f"manifest {where}: give exactly one of 'rule: RULE_NAME' or 'managed: IDENTIFIER'")
            self._check_entry(where, entry)
            add = self._custom if "rule" in entry else self._managed
            rule_id = logical_id(entry.get("rule") or entry["managed"])
            if rule_id in template.resources:
                raise BuildError(f"manifest {where}: {rule_id} is already in pack {pack_name}; list each rule once")
            add(template, where, entry, rule_id)
        if not template.resources:
            raise BuildError(f"manifest packs.{pack_name}: no rules; list rules or include packs (AWS refuses an "
                             "empty pack)")
        return self._render(pack_name, template.as_dict())

    @staticmethod
    def _check_entry(where, entry):
        from .validate.reference import managed_rules

        kind = "rule" if "rule" in entry else "managed"
        unknown = sorted(set(entry) - set(ENTRY_KEYS[kind]))
        if unknown:
            raise BuildError(f"manifest {where}: unknown key {', '.join(map(str, unknown))} for a {kind} entry; it "
                             f"takes {', '.join(ENTRY_KEYS[kind])}")
        if ("replaces" in entry) != ("why" in entry):
            raise BuildError(f"manifest {where}: give replaces and why together (the pack header says why ours "
                             "replaces AWS's rule)")
        if "replaces" in entry and entry["replaces"] not in managed_rules():
            raise BuildError(f"manifest {where}.replaces: {entry['replaces']!r} is not an AWS managed rule "
                             "identifier; check the spelling")

    def _custom(self, template, where, entry, rule_id):
        name = entry["rule"]
        rule = self.catalog.rules.get(name)
        if rule is None:
            raise BuildError(f"manifest {where}: no rule {name!r} in rules/ (known: {', '.join(sorted(self.catalog.rules))}); "
                             "fix the name or add the rule first")
        overrides = _mapping(f"{where}.parameters", entry.get("parameters"))
        try:
            declared = {**rule.input_parameters, **rule.optional_parameters}
        except CatalogError as error:
            raise BuildError(f"{error}; fix it (`clearsight validate` checks it too)") from None
        unknown = sorted(set(overrides) - set(declared))
        if unknown:
            raise BuildError(f"manifest {where}.parameters: {name} declares no parameter {', '.join(unknown)}")
        self._check_rule(rule)
        inputs = {}
        for key, value in declared.items():
            default = _text(f"{where}.parameters.{key}", overrides[key]) if key in overrides else value
            if key in RDKLIB_KEYS:
                inputs[key] = default
            elif key in rule.optional_parameters:
                inputs[key] = template.optional(f"{rule_id}Param{key}", default)
            else:
                inputs[key] = template.parameter(f"{rule_id}Param{key}", default)
        if not isinstance(rule.description, str):
            raise _rule_error(rule, "Parameters.Description", "must be a string")
        if len(rule.description) > 256:
            raise BuildError(f"{rule.parameters_path}: Description is {len(rule.description)} characters; Config accepts 256")
        properties = {"ConfigRuleName": "clearsight-" + name.lower().replace("_", "-"), "Description": rule.description}
        if inputs:
            properties["InputParameters"] = inputs
        if rule.resource_types:
            properties["Scope"] = {"ComplianceResourceTypes": list(rule.resource_types)}
        properties["Source"] = {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": self._lambda(template, rule_id, name),
                                "SourceDetails": _triggers(rule)}
        template.resources[rule_id] = {"Type": "AWS::Config::ConfigRule", "Properties": properties}
        if rule.remediation:
            template.resources[f"{rule_id}Remediation"] = {
                "Type": "AWS::Config::RemediationConfiguration",
                "DependsOn": rule_id,
                "Properties": self._remediation(where, entry, rule, properties["ConfigRuleName"]),
            }

    @staticmethod
    def _check_rule(rule):
        """What the pack takes from parameters.json has the shape rdk writes (validate names the rest)."""
        from .validate.reference import FREQUENCIES

        events = rule.parameters.get("SourceEvents")
        if events is not None and not isinstance(events, str):
            raise _rule_error(rule, "Parameters.SourceEvents", "must be a comma-separated string of resource types")
        if rule.periodic is not None and rule.periodic not in FREQUENCIES:
            raise _rule_error(rule, "Parameters.SourcePeriodic", f"{rule.periodic!r} is not a frequency; use one of "
                              f"{', '.join(FREQUENCIES)}")
        block = rule.remediation
        if block is None:
            return
        if not isinstance(block, dict):
            raise _rule_error(rule, "Parameters.Remediation", "must be an object of RemediationConfiguration properties")
        if "ExecutionControls" in block:
            controls = block["ExecutionControls"]
            if not isinstance(controls, dict) or not isinstance(controls.get("SsmControls"), dict):
                raise _rule_error(rule, "Parameters.Remediation.ExecutionControls", "must be {SsmControls: "
                                  "{ConcurrentExecutionRatePercentage, ErrorPercentage}}")
        parameters = block.get("Parameters")
        if parameters is not None and not (isinstance(parameters, dict)
                                           and all(isinstance(v, dict) for v in parameters.values())):
            raise _rule_error(rule, "Parameters.Remediation.Parameters", "must be an object of document parameter: "
                              "{StaticValue: {Values: [...]}} or {ResourceValue: {Value: RESOURCE_ID}}")

    def _lambda(self, template, rule_id, name):
        if self.options.lambda_account:
            region = self.options.region
            return f"arn:{partition(region)}:lambda:{region}:{self.options.lambda_account}:function:{lambda_name(name)}"
        return template.parameter(f"{rule_id}LambdaArn", description=f"ARN of {name}'s Lambda ({lambda_name(name)}, "
                                  "deployed by rdk deploy)")

    def _remediation(self, where, entry, rule, config_rule_name):
        block = {key: rule.remediation[key] for key in REMEDIATION_ORDER if key in rule.remediation}
        block["ConfigRuleName"] = config_rule_name
        for key in ("MaximumAutomaticAttempts", "RetryAttemptSeconds"):
            if key in block:
                block[key] = _integer(rule, f"Parameters.Remediation.{key}", block[key])
        controls = (block.get("ExecutionControls") or {}).get("SsmControls")
        if controls:
            block["ExecutionControls"] = {"SsmControls": {
                k: _integer(rule, f"Parameters.Remediation.ExecutionControls.SsmControls.{k}", v) for k, v in controls.items()}}
        if "Automatic" in block:
            if str(block["Automatic"]).lower() not in ("true", "false"):
                raise _rule_error(rule, "Parameters.Remediation.Automatic", f"{block['Automatic']!r} is not true or false")
            block["Automatic"] = str(block["Automatic"]).lower() == "true"
        parameters = {name: dict(value) for name, value in (block.get("Parameters") or {}).items()}
        overrides = _mapping(f"{where}.remediation", entry.get("remediation"))
        for name, value in overrides.items():
            if "StaticValue" not in parameters.get(name, {}):
                raise BuildError(f"manifest {where}.remediation.{name}: not a StaticValue parameter of {rule.name}'s remediation")
            values = value if isinstance(value, list) else [value]
            parameters[name] = {"StaticValue": {"Values": [_text(f"{where}.remediation.{name}", v) for v in values]}}
        if "AutomationAssumeRole" in parameters:
            parameters["AutomationAssumeRole"] = {"StaticValue": {"Values": [self._role(rule, parameters["AutomationAssumeRole"])]}}
        block["Parameters"] = parameters
        return block

    def _role(self, rule, current):
        """arn:aws:iam::<account>:role/<remediation_role>; account from the option, else parameters.json's placeholder."""
        static = current.get("StaticValue")
        values = static.get("Values") if isinstance(static, dict) else None
        match = ROLE_ACCOUNT.match(values[0]) if isinstance(values, list) and values and isinstance(values[0], str) else None
        account = self.options.remediation_account or (match.group(1) if match else None)
        if account is None:
            raise _rule_error(rule, "Parameters.Remediation.Parameters.AutomationAssumeRole", "no role ARN to take the "
                              "account from: write the placeholder arn:aws:iam::111122223333:role/clearsight-remediation "
                              "there, or build with --remediation-account")
        return f"arn:aws:iam::{account}:role/{self.manifest.get('remediation_role', 'clearsight-remediation')}"

    def _managed(self, template, where, entry, rule_id):
        from .validate.reference import FREQUENCIES, managed_rules

        identifier = entry["managed"]
        known = managed_rules().get(identifier)
        if known is None:
            raise BuildError(f"manifest {where}: {identifier!r} is not an AWS managed rule identifier; check the spelling")
        declared = {p["Name"]: p for p in known.get("Parameters", [])}
        given = _mapping(f"{where}.parameters", entry.get("parameters"))
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise BuildError(f"manifest {where}.parameters: {identifier} takes no {', '.join(unknown)}; it takes: "
                             f"{', '.join(declared) or 'nothing'}")
        inputs = {}
        for name, spec in declared.items():
            if name in given:
                default = _text(f"{where}.parameters.{name}", given[name])
            elif not spec.get("Optional") and "Default" in spec:
                default = str(spec["Default"])
            elif not spec.get("Optional"):
                raise BuildError(f"manifest {where}.parameters: {identifier} requires {name} (it has no default); "
                                 "give it a value")
            else:
                continue
            parameter = f"{rule_id}Param{name[0].upper()}{name[1:]}"
            inputs[name] = template.optional(parameter, default) if spec.get("Optional") else template.parameter(parameter, default)
        properties = {"ConfigRuleName": identifier.lower().replace("_", "-")}
        if inputs:
            properties["InputParameters"] = inputs
        if "Configuration changes" in known.get("Trigger type", "") and known.get("Resource Types"):
            properties["Scope"] = {"ComplianceResourceTypes": [t.strip() for t in known["Resource Types"].split(",")]}
        frequency = entry.get("frequency")
        if frequency is not None:
            if frequency not in FREQUENCIES:
                raise BuildError(f"manifest {where}.frequency: {frequency!r}; use one of {', '.join(FREQUENCIES)}")
            properties["MaximumExecutionFrequency"] = frequency
        properties["Source"] = {"Owner": "AWS", "SourceIdentifier": identifier}
        template.resources[rule_id] = {"Type": "AWS::Config::ConfigRule", "Properties": properties}

    def header(self, pack_name) -> str:
        spec = self.manifest["packs"][pack_name]
        lines = [f"clearsight conformance pack: {pack_name}",
                 "Generated by `clearsight build` from conformance-packs/manifest/packs.yaml; edit that, not this.",
                 "", " ".join(str(spec.get("description", "")).split())]
        kept = [e["managed"] for _, e in self.entries(pack_name) if "managed" in e]
        replaced = [(where, e) for where, e in self.entries(pack_name) if e.get("replaces")]
        if kept:
            lines += ["", "AWS managed rules kept (right as they are): " + ", ".join(kept) + "."]
        included = []
        for where, entry in replaced:
            home = where.split(".")[1]  # packs.<name>.rules[i]: an included pack's header says why, once
            if home == pack_name:
                why = " ".join(str(entry.get("why", "")).split()).rstrip(".")
                lines += ["", f"{entry['rule']} replaces {entry['replaces']}: {why}."]
            else:
                included.append(f"{entry['rule']} replaces {entry['replaces']} (why: {home}.yaml).")
        if included:
            lines += [""] + included
        if any("rule" in e for _, e in self.entries(pack_name)) and not self.options.lambda_account:
            lines += ["", "Custom rules need their Lambda deployed first (rdk deploy RULE); pass each <Rule>LambdaArn "
                      "parameter, or build with --lambda-account and --region."]
        wrapped = [w for line in lines for w in (textwrap.wrap(line, 96, break_on_hyphens=False) or [""])]
        return "\n".join(f"# {line}".rstrip() for line in wrapped) + "\n"

    def _render(self, pack_name, template) -> str:
        body = yaml.dump(template, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=4096)
        return self.header(pack_name) + body


def _triggers(rule):
    """rdk deploy's triggers: both change notifications for SourceEvents, a schedule for SourcePeriodic."""
    details = []
    if rule.resource_types:
        details += [{"EventSource": "aws.config", "MessageType": kind}
                    for kind in ("ConfigurationItemChangeNotification", "OversizedConfigurationItemChangeNotification")]
    if rule.periodic:
        details.append({"EventSource": "aws.config", "MessageType": "ScheduledNotification",
                        "MaximumExecutionFrequency": rule.periodic})
    return details


def _integer(rule, field, value) -> int:
    """An integer property rdk may have written as a string ("3"); anything else is the rule's mistake."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise _rule_error(rule, field, f"{value!r} is not an integer")


class _Dumper(yaml.SafeDumper):
    """Plain YAML without anchors: every value written out where it is used."""

    def ignore_aliases(self, data):
        return True


LIMIT_CHECKS = ("CS-P008", "CS-P009", "CS-P010", "CS-P011")


def limit_problems(pack: Pack) -> list[str]:
    """The service limits a built pack breaks (the same checks `clearsight validate` runs)."""
    from .validate.registry import CHECKS

    return [f"{check_id} {problem.location}: {problem.message}"
            for check_id in LIMIT_CHECKS for problem in CHECKS[check_id].run(pack, None)]


def build_all(catalog: Catalog, manifest: dict, options: Options = Options(), out: Path | None = None) -> dict[Path, str]:
    """{output path: text} of every pack in the manifest; refuses (BuildError) a pack that breaks a limit."""
    builder, out = Builder(catalog, manifest, options), Path(out) if out else catalog.root / OUTPUT
    built = {}
    for name in manifest["packs"]:
        text = builder.build(name)
        path = out / f"{name}.yaml"
        problems = limit_problems(Pack(name, path, yaml.safe_load(text), text))
        if problems:
            raise BuildError(f"pack {name} would break a service limit, not written:\n  " + "\n  ".join(problems))
        built[path] = text
    return built


def write(built: dict[Path, str]) -> None:
    for path, text in built.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
