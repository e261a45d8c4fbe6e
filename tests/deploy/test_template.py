"""template.yaml: what a production deployment promises, checked offline."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from infra.template import ROOT, function_dir, functions, template

SAM_BIN = ROOT / ".venv-sam" / "bin"
OFFLINE = {
    **os.environ,
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "offline",
    "AWS_SECRET_ACCESS_KEY": "offline",
    "SAM_CLI_TELEMETRY": "0",
}


def resources(kind: str) -> dict:
    return {name: r for name, r in template()["Resources"].items() if r["Type"] == kind}


def tool(name: str) -> Path:
    path = SAM_BIN / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{name} missing: `make lint-template` installs it into .venv-sam")
        pytest.skip(f"{name} not installed (make lint-template installs it)")
    return path


def test_cfn_lint_passes():
    result = subprocess.run([tool("cfn-lint"), "template.yaml"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_validate_lint_passes():
    result = subprocess.run(
        [tool("sam"), "validate", "--lint"], cwd=ROOT, env=OFFLINE, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_functions_run_python312_on_arm64_with_the_shared_layer():
    globals_ = template()["Globals"]["Function"]
    assert globals_["Runtime"] in ("python3.12", "python3.13") and globals_["Architectures"] == ["arm64"]
    assert globals_["Layers"] == [{"!Ref": "SharedLayer"}]
    layer = template()["Resources"]["SharedLayer"]
    assert layer["Properties"]["ContentUri"] == "shared/" and layer["Metadata"]["BuildMethod"] == "python3.12"
    # no function repeats the layer's dependencies
    assert not list((ROOT / "functions").glob("*/requirements.txt"))


def test_every_function_folder_is_deployed_with_its_handler():
    deployed = {function_dir(props): props["Handler"] for props in functions().values()}
    folders = {p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").is_file()}
    assert set(deployed) == folders
    assert all(handler in ("app.app", "app.handler") for handler in deployed.values())


def statements(props: dict) -> list[dict]:
    return [s for policy in props.get("Policies", []) for s in policy.get("Statement", [])]


def test_least_privilege_table_access():
    table_actions = {}
    for name, props in functions().items():
        for statement in statements(props):
            if any(a.startswith("dynamodb:") for a in statement["Action"]):
                table_actions.setdefault(name, {})[json.dumps(statement["Resource"])] = set(statement["Action"])
    sessions = json.dumps({"!GetAtt": "SessionsTable.Arn"})
    idempotency = json.dumps({"!GetAtt": "IdempotencyTable.Arn"})
    limits = json.dumps({"!GetAtt": "RateLimitTable.Arn"})
    assert table_actions["InitiateCallFunction"] == {
        sessions: {"dynamodb:PutItem"},
        idempotency: {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"},
    }
    # Limits are counted by conditional updates in TransactWriteItems (which needs UpdateItem on each item).
    assert table_actions["LoginFunction"] == {limits: {"dynamodb:UpdateItem"}}
    assert table_actions["RegisterFunction"] == {limits: {"dynamodb:UpdateItem"}}
    assert table_actions["TerminateCallFunction"] == {sessions: {"dynamodb:DeleteItem"}}
    assert table_actions["TwilioStatusFunction"] == {sessions: {"dynamodb:DeleteItem"}}
    assert table_actions["SweepFunction"] == {sessions: {"dynamodb:DeleteItem"}}
    readers_only = {
        "RefreshFunction",
        "LogoutFunction",
        "HealthFunction",
        "CallHistoryFunction",
        "GetCallFunction",
        "VoiceTokenFunction",
        "AnswerCallFunction",
        "MigrateFunction",
    }
    assert not readers_only & set(table_actions)
    for props in functions().values():  # nothing gets a wildcard
        assert all("*" not in json.dumps(s["Resource"]) for s in statements(props))


def test_each_function_reads_only_the_secrets_it_uses():
    app, db = {"!Ref": "AppSecret"}, {"!GetAtt": "Database.MasterUserSecret.SecretArn"}

    def secrets(name):
        found = [s["Resource"] for s in statements(functions()[name]) if "secretsmanager:GetSecretValue" in s["Action"]]
        return [r for resource in found for r in resource]

    assert secrets("HealthFunction") == [db] and secrets("RegisterFunction") == [db]
    assert secrets("VoiceTokenFunction") == [app] and secrets("MigrateFunction") == [db]
    assert secrets("InitiateCallFunction") == [app, db]


def test_postgres_is_private_behind_rds_proxy_with_tls_backups_and_protection():
    database = template()["Resources"]["Database"]
    props = database["Properties"]
    assert props["ManageMasterUserPassword"] is True and props["PubliclyAccessible"] is False
    assert props["DeletionProtection"] is True and props["StorageEncrypted"] is True
    assert props["BackupRetentionPeriod"] == {"!Ref": "DbBackupRetentionDays"}
    assert database["DeletionPolicy"] == "Snapshot"
    proxy = template()["Resources"]["DbProxy"]["Properties"]
    assert proxy["RequireTLS"] is True and proxy["EngineFamily"] == "POSTGRESQL"
    env = template()["Globals"]["Function"]["Environment"]["Variables"]
    assert env["DB_HOST"] == {"!GetAtt": "DbProxy.Endpoint"} and env["DB_SSLMODE"] == "verify-full"


def test_tables_are_on_demand_with_ttl_and_point_in_time_recovery():
    tables = resources("AWS::DynamoDB::Table")
    assert set(tables) == {"SessionsTable", "IdempotencyTable", "RateLimitTable"}
    ttl = {"SessionsTable": "expires_at", "IdempotencyTable": "expiration", "RateLimitTable": "expires_at"}
    for name, table in tables.items():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["TimeToLiveSpecification"] == {"AttributeName": ttl[name], "Enabled": True}
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_migrations_run_on_deploy_before_the_api_serves():
    run = template()["Resources"]["RunMigrations"]
    assert run["Properties"]["ServiceToken"] == {"!GetAtt": "MigrateFunction.Arn"}
    assert template()["Resources"]["Api"]["DependsOn"] == "RunMigrations"
    assert functions()["MigrateFunction"]["AutoPublishAlias"]


def test_stage_throttling_cors_alarms_and_outputs():
    api = template()["Resources"]["Api"]["Properties"]
    settings = api["MethodSettings"][0]
    assert settings["ThrottlingRateLimit"] and settings["ThrottlingBurstLimit"]
    assert api["Cors"]["AllowOrigin"] == {"!Ref": "AllowedOrigin"}
    assert "MISSING_AUTHENTICATION_TOKEN" in api["GatewayResponses"]
    assert {"VoipErrorRateAlarm", "Api5xxAlarm"} <= set(resources("AWS::CloudWatch::Alarm"))
    assert {"ApiUrl", "TwilioWebhookUrl", "SessionsTableName", "AppSecretArn"} <= set(template()["Outputs"])


def test_twilio_mode_cannot_be_deployed_without_a_public_url():
    rule = template()["Rules"]["TwilioNeedsPublicBaseUrl"]
    assert rule["RuleCondition"] == {"!Equals": [{"!Ref": "VoipProvider"}, "twilio"]}
    assert rule["Assertions"][0]["Assert"] == {"!Not": [{"!Equals": [{"!Ref": "PublicBaseUrl"}, ""]}]}
