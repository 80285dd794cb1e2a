#!/usr/bin/env python3
"""Writes the kind table's routed names and IAM actions into infra/template.yaml.

The table lives in the policy crate (`shared/policy/src/kind.rs`); `smguard kinds --json` prints
what the deployment must carry: the `eventName`s the CloudTrail rule routes, the SageMaker actions
the guard's role is granted (Describe for the events that leave fields out, Stop/Delete for
containment) and the audit's (List and Describe, and Stop/Delete when AuditMayRespond).
`tests/deployment.rs` fails when the template and the table disagree; `make template` runs this
script to bring them together. (State-change rules carry per-kind status filters and are written
by hand; the same test checks their `detail-type`s.)

Usage: infra/sync_template.py <path to the smguard binary>   (with PyYAML: .venv/bin/python)
"""

import json
import subprocess
import sys
from pathlib import Path

import yaml

TEMPLATE = Path(__file__).with_name("template.yaml")


def statements(role: dict) -> list[dict]:
    """The role's statements, the conditional ones (`Fn::If`) included."""
    found = []
    for statement in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]:
        if "Fn::If" in statement:
            found.extend(s for s in statement["Fn::If"][1:] if isinstance(s, dict) and "Sid" in s)
        else:
            found.append(statement)
    return found


def main() -> None:
    table = json.loads(subprocess.run([sys.argv[1], "kinds", "--json"], check=True, capture_output=True, text=True).stdout)
    text = TEMPLATE.read_text()
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    template = yaml.safe_load(text)
    resources = template["Resources"]
    resources["SagemakerCallsRule"]["Properties"]["EventPattern"]["detail"]["eventName"] = table["api_calls"]
    actions = {
        "DescribeWhatAnEventLeavesOut": table["describe_permissions"],
        "DescribeSageMakerResources": table["describe_permissions"],
        "ListSageMakerResources": table["list_permissions"],
        "ContainSageMakerResources": table["contain_permissions"],
    }
    for role in ("GuardRole", "AuditRole"):
        for statement in statements(resources[role]):
            if statement.get("Sid") in actions:
                statement["Action"] = actions[statement["Sid"]]
    TEMPLATE.write_text(header + yaml.safe_dump(template, sort_keys=False, width=120, allow_unicode=True))


if __name__ == "__main__":
    main()
