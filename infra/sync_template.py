#!/usr/bin/env python3
"""Writes the kind table's routed names and IAM actions into infra/template.json.

The table lives in the policy crate (`shared/policy/src/kind.rs`); `smguard kinds --json` prints
what the deployment must carry: the `eventName`s the CloudTrail rule routes and the SageMaker
actions the guard's role is granted (Describe for the events
that leave fields out, Stop/Delete for containment). `tests/deployment.rs` fails when the
template and the table disagree; `make template` runs this script to bring them together. (State-change rules carry per-kind
status filters and are written by hand; the same test checks their `detail-type`s.)

Usage: infra/sync_template.py <path to the smguard binary>
"""

import json
import subprocess
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("template.json")


def main() -> None:
    table = json.loads(subprocess.run([sys.argv[1], "kinds", "--json"], check=True, capture_output=True, text=True).stdout)
    template = json.loads(TEMPLATE.read_text())
    resources = template["Resources"]
    resources["SagemakerCallsRule"]["Properties"]["EventPattern"]["detail"]["eventName"] = table["api_calls"]
    statements = resources["GuardRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    for statement in statements:
        if statement.get("Sid") == "DescribeWhatAnEventLeavesOut":
            statement["Action"] = table["describe_permissions"]
        elif statement.get("Sid") == "ContainSageMakerResources":
            statement["Action"] = table["contain_permissions"]
    TEMPLATE.write_text(json.dumps(template, indent=2) + "\n")


if __name__ == "__main__":
    main()
