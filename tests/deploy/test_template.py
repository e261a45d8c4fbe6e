"""template.yaml: what a production deployment promises, checked offline."""

import json
import mimetypes
import os
import subprocess
from pathlib import Path

import pytest

from calls_platform.adapters.migrations import Limits
from infra.template import ROOT, api_routes, function_dir, functions, template
from tests.support.probes import LAMBDA_PYTHON

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


def test_every_function_runs_python313_on_arm64_with_the_shared_layer():
    globals_ = template()["Globals"]["Function"]
    assert globals_["Runtime"] == LAMBDA_PYTHON and globals_["Architectures"] == ["arm64"]
    assert all(props.get("Runtime", LAMBDA_PYTHON) == LAMBDA_PYTHON for props in functions().values())
    plain = resources("AWS::Lambda::Function")
    assert plain and all(r["Properties"]["Runtime"] == LAMBDA_PYTHON for r in plain.values())
    assert globals_["Layers"] == [{"!Ref": "SharedLayer"}]
    layer = template()["Resources"]["SharedLayer"]
    assert layer["Properties"]["ContentUri"] == "shared/"
    assert layer["Properties"]["CompatibleRuntimes"] == [LAMBDA_PYTHON]
    # every artifact is built by infra/artifacts/Makefile, which compiles its bytecode for python3.13
    everything = template()["Resources"]
    built = [r["Metadata"] for r in everything.values() if r["Type"] in ("AWS::Serverless::Function", layer["Type"])]
    assert all(m["BuildMethod"] == "makefile" and m["ContextPath"] == "infra/artifacts" for m in built), built
    # no function repeats the layer's dependencies
    assert not list((ROOT / "functions").glob("*/requirements.txt"))


def test_every_function_folder_is_deployed_with_its_handler():
    deployed = {function_dir(props): props["Handler"] for props in functions().values()}
    folders = {p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").is_file()}
    assert set(deployed) == folders
    assert all(handler in ("app.app", "app.handler") for handler in deployed.values())


def statements(props: dict) -> list[dict]:
    return [s for policy in props.get("Policies", []) for s in policy.get("Statement", [])]


def test_the_functions_that_hash_passwords_have_a_reserved_concurrency():
    reserved = {name: props.get("ReservedConcurrentExecutions") for name, props in functions().items()}
    assert reserved["LoginFunction"] == reserved["RegisterFunction"] == 10
    # initiate's comes from the deployer's parameter and bounds spending (test_tls12_multi_az_and_the_dialling...)
    others = set(reserved) - {"LoginFunction", "RegisterFunction", "InitiateCallFunction"}
    assert all(reserved[name] is None for name in others)


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
        limits: {"dynamodb:UpdateItem"},  # call attempts per user an hour
    }
    # Limits are counted by conditional updates in TransactWriteItems (which needs UpdateItem on each item).
    # Login also notes the addresses an account signed in from (a Put in the same transaction) and reads them.
    assert table_actions["LoginFunction"] == {limits: {"dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:GetItem"}}
    assert table_actions["RegisterFunction"] == {limits: {"dynamodb:UpdateItem"}}
    assert table_actions["TerminateCallFunction"] == {sessions: {"dynamodb:DeleteItem"}}
    assert table_actions["TwilioStatusFunction"] == {sessions: {"dynamodb:DeleteItem"}}
    # The sweep scans for silent pages (heartbeats), and reads a provider id back to retry a hang-up with it.
    assert table_actions["SweepFunction"] == {sessions: {"dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:Scan"}}
    assert table_actions["GetCallFunction"] == {sessions: {"dynamodb:UpdateItem"}}  # each poll is a heartbeat
    readers_only = {
        "RefreshFunction",
        "LogoutFunction",
        "HealthFunction",
        "CallHistoryFunction",
        "VoiceTokenFunction",
        "LiveCallsFunction",
        "CreateContactFunction",
        "ListContactsFunction",
        "UpdateContactFunction",
        "DeleteContactFunction",
        "AnswerCallFunction",
        "MigrateFunction",
        "VerifyEmailFunction",
        "GetAccountFunction",
        "PasswordResetConfirmFunction",
        "ExportCallsFunction",
    }
    # Emailed tokens and password checks are limited (docs/accounts.md); deletion hangs up a live call first.
    for name in ("ResendVerificationFunction", "PasswordResetFunction", "ChangePasswordFunction"):
        assert table_actions[name] == {limits: {"dynamodb:UpdateItem"}}
    assert table_actions["DeleteAccountFunction"] == {
        limits: {"dynamodb:UpdateItem"},
        sessions: {"dynamodb:DeleteItem"},
    }
    assert not readers_only & set(table_actions)
    for props in functions().values():  # nothing gets a wildcard
        assert all("*" not in json.dumps(s["Resource"]) for s in statements(props))


def test_only_the_functions_that_email_may_send_and_only_from_the_sender():
    senders = {
        name
        for name, props in functions().items()
        for statement in statements(props)
        if "ses:SendEmail" in statement["Action"]
    }
    expected = {"Register", "Login", "ResendVerification", "PasswordReset", "ChangePassword"}
    assert senders == {f"{name}Function" for name in expected}
    for name in senders:
        [statement] = [s for s in statements(functions()[name]) if "ses:SendEmail" in s["Action"]]
        assert statement["Action"] == ["ses:SendEmail"]
        assert "${EmailSender}" in json.dumps(statement["Resource"])
    assert template()["Globals"]["Function"]["Environment"]["Variables"]["EMAIL_SENDER"] == {"!Ref": "EmailSender"}


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
    assert api["Cors"]["AllowOrigin"]["!If"][0] == "HasAllowedOrigin"
    # The deployed page is another origin: every method a route takes (PATCH, DELETE for contacts) passes the
    # browser's preflight.
    allowed = set(api["Cors"]["AllowMethods"].strip("'").split(","))
    assert {method for method, _ in api_routes()} | {"OPTIONS"} <= allowed
    assert "MISSING_AUTHENTICATION_TOKEN" in api["GatewayResponses"]
    assert {"VoipErrorRateAlarm", "Api5xxAlarm"} <= set(resources("AWS::CloudWatch::Alarm"))
    assert {"ApiUrl", "TwilioWebhookUrl", "SessionsTableName", "AppSecretArn"} <= set(template()["Outputs"])


def test_twilio_mode_cannot_be_deployed_without_a_public_url():
    rule = template()["Rules"]["TwilioNeedsPublicBaseUrl"]
    assert rule["RuleCondition"] == {"!Equals": [{"!Ref": "VoipProvider"}, "twilio"]}
    assert rule["Assertions"][0]["Assert"] == {"!Not": [{"!Equals": [{"!Ref": "PublicBaseUrl"}, ""]}]}


# ---- The softphone page ---------------------------------------------------------------------------------
PAGE_ORIGIN = {"!Sub": "https://${PageDistribution.DomainName}"}
EXECUTE_API_HOSTS = {"!Sub": "https://*.execute-api.${AWS::Region}.amazonaws.com"}
EXECUTE_API_URL = {"!Sub": "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/${StageName}"}


def directives(csp: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in csp.split(";")) if d}


def gateway_csp(provider: str) -> str:
    """The local gateway's page CSP for a provider mode."""
    from infra import gateway

    return gateway.page_headers(provider)["Content-Security-Policy"]


def test_page_bucket_is_private_and_read_only_by_its_distribution():
    bucket = template()["Resources"]["PageBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    statements = template()["Resources"]["PageBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    read, tls = statements
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"} and read["Action"] == "s3:GetObject"
    assert "${PageDistribution}" in read["Condition"]["StringEquals"]["AWS:SourceArn"]["!Sub"]
    assert tls["Effect"] == "Deny" and tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_distribution_serves_the_page_over_https_only_through_origin_access_control():
    config = template()["Resources"]["PageDistribution"]["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert origin["OriginAccessControlId"] == {"!GetAtt": "PageOriginAccessControl.Id"}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # no legacy OAI
    oac = template()["Resources"]["PageOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert oac["OriginAccessControlOriginType"] == "s3" and oac["SigningBehavior"] == "always"
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "https-only"
    assert behavior["ResponseHeadersPolicyId"] == {"!Ref": "PageHeaders"}
    assert config["DefaultRootObject"] == "index.html"


def test_the_distribution_serves_the_service_worker_and_the_manifest_fresh_and_allowed():
    """sw.js and manifest.webmanifest are plain files of the bucket (docs/page.md): one cache behaviour for all,
    so no path gives sw.js a long life; `make deploy-page` uploads every file with no-cache and the type its name
    says; the CSP's default-src 'self' lets the page register its worker and read its manifest."""
    config = template()["Resources"]["PageDistribution"]["Properties"]["DistributionConfig"]
    assert "CacheBehaviors" not in config
    deploy = (ROOT / "Makefile").read_text().split("\ndeploy-page:", 1)[1].split("\n\n", 1)[0]
    assert "--cache-control no-cache" in deploy and "--content-type" not in deploy
    assert mimetypes.guess_type("manifest.webmanifest")[0] == "application/manifest+json"
    assert mimetypes.guess_type("sw.js")[0] in ("text/javascript", "application/javascript")
    policy = template()["Resources"]["PageHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    for branch in policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["!If"][1:]:
        sub = branch["!Sub"]  # a string, or [string, variables] where the API has a domain of its own
        csp = directives(sub[0] if isinstance(sub, list) else sub)
        assert csp["default-src"] == ["'self'"] and not {"worker-src", "manifest-src", "script-src"} & set(csp)


def test_page_headers_deny_framing_sniffing_and_plain_http():
    headers = template()["Resources"]["PageHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = headers["SecurityHeadersConfig"]
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ContentTypeOptions"] == {"Override": True}
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert all(part.get("Override") for part in security.values())


@pytest.mark.parametrize("provider", ["mock", "twilio"])
def test_page_csp_is_the_local_gateways_plus_the_api_origin(provider):
    choice = template()["Resources"]["PageHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    csp_if = choice["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["!If"]
    assert csp_if[0] == "IsTwilio"
    text, names = csp_if[1 if provider == "twilio" else 2]["!Sub"]
    deployed = directives(text)
    local = directives(gateway_csp(provider))
    api = "${ApiOrigin}"  # the page and the API are two origins here
    # The API's own domain when it has one (its execute-api endpoint is off then), else the region's API hosts.
    assert names["ApiOrigin"] == {"!If": ["HasApiDomain", {"!Sub": "https://${ApiDomainName}"}, EXECUTE_API_HOSTS]}
    for name, values in local.items():
        expected = [*values, api] if name == "connect-src" else values
        assert sorted(deployed.get(name, [])) == sorted(expected), name
    assert set(deployed) == set(local)
    assert deployed["frame-ancestors"] == ["'none'"]
    assert not [origin for origin in deployed["connect-src"] if "twilio" in origin and "*" in origin]


def test_the_stack_tells_the_page_where_the_api_is_and_the_api_allows_exactly_the_page():
    config = template()["Resources"]["PageConfig"]["Properties"]
    assert config["ServiceToken"] == {"!GetAtt": "PageConfigWriter.Arn"}
    assert config["Bucket"] == {"!Ref": "PageBucket"}
    assert config["ApiBaseUrl"] == {"!If": ["HasApiDomain", {"!Sub": "https://${ApiDomainName}"}, EXECUTE_API_URL]}
    assert config["VoipProvider"] == {"!Ref": "VoipProvider"}
    writer = template()["Resources"]["PageConfigRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]
    assert writer["Resource"] == {"!Sub": "${PageBucket.Arn}/config.json"}  # may write that one object only

    allowed = template()["Globals"]["Function"]["Environment"]["Variables"]["ALLOWED_ORIGIN"]["!If"]
    assert allowed == ["HasAllowedOrigin", {"!Ref": "AllowedOrigin"}, PAGE_ORIGIN]
    cors = template()["Resources"]["Api"]["Properties"]["Cors"]["AllowOrigin"]["!If"]
    assert cors[2] == {"!Sub": "'https://${PageDistribution.DomainName}'"}
    assert template()["Parameters"]["AllowedOrigin"]["Default"] == ""
    assert template()["Outputs"]["PageUrl"]["Value"] == PAGE_ORIGIN


def test_api_functions_start_from_snapstart_snapshots_behind_an_alias():
    globals_ = template()["Globals"]["Function"]
    assert globals_["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    assert globals_["AutoPublishAlias"]  # SAM then integrates each API route with the alias, not $LATEST
    for name, props in functions().items():
        api = any(e["Type"] == "Api" for e in (props.get("Events") or {}).values())
        assert props.get("SnapStart", globals_["SnapStart"])["ApplyOn"] == ("PublishedVersions" if api else "None")
        # what SnapStart cannot be combined with
        assert "ProvisionedConcurrencyConfig" not in props and "FileSystemConfigs" not in props, name
        assert props.get("EphemeralStorage", {"Size": 512})["Size"] <= 512, name


# ---- Deploying as the team that runs it would (docs/deploying.md) ------------------------------------------


def test_every_api_function_shifts_traffic_gradually_and_rolls_back_on_any_alarm():
    preference = template()["Globals"]["Function"]["DeploymentPreference"]
    assert preference["Type"] == {"!Ref": "DeploymentType"}
    assert template()["Parameters"]["DeploymentType"]["Default"].startswith("Canary")
    alarms = {"FunctionErrorsAlarm", "FunctionThrottlesAlarm", "Api5xxAlarm", "VoipErrorRateAlarm"}
    assert {a["!Ref"] for a in preference["Alarms"]} == alarms <= set(resources("AWS::CloudWatch::Alarm"))
    metrics = {name: r["Properties"].get("MetricName") for name, r in resources("AWS::CloudWatch::Alarm").items()}
    assert metrics["FunctionErrorsAlarm"] == "Errors" and metrics["FunctionThrottlesAlarm"] == "Throttles"
    assert metrics["Api5xxAlarm"] == "5XXError"
    for name, props in functions().items():
        serves_api = any(e["Type"] == "Api" for e in (props.get("Events") or {}).values())
        own = props.get("DeploymentPreference", {})
        assert own.get("Enabled", True) or not serves_api, name  # no API function opts out
        assert "Alarms" not in own and "Type" not in own, name  # every one watches the same alarms
        if name != "MigrateFunction":  # a new version takes traffic only once the schema is current
            assert template()["Resources"][name]["DependsOn"] == "RunMigrations", name
    assert functions()["MigrateFunction"]["DeploymentPreference"] == {"Enabled": False}  # runs before traffic


def test_every_function_and_the_api_trace_with_xray():
    assert template()["Globals"]["Function"]["Tracing"] == "Active"
    assert all(props.get("Tracing", "Active") == "Active" for props in functions().values())
    plain = resources("AWS::Lambda::Function").values()
    assert all(r["Properties"]["TracingConfig"] == {"Mode": "Active"} for r in plain)
    assert template()["Resources"]["Api"]["Properties"]["TracingEnabled"] is True


def target_function(custom: dict) -> dict:
    token = custom["Properties"]["ServiceToken"]["!GetAtt"].removesuffix(".Arn")
    resource = template()["Resources"][token]
    return resource["Properties"]


def test_custom_resources_answer_within_their_functions_timeout_plus_a_margin():
    customs = {n: r for n, r in template()["Resources"].items() if r["Type"].startswith("Custom::")}
    assert {"RunMigrations", "PageConfig"} <= set(customs)
    for name, custom in customs.items():
        timeout = target_function(custom)["Timeout"]
        assert timeout < custom["Properties"]["ServiceTimeout"] <= timeout + 120, name
    # a stuck migration statement fails with its reason before Lambda cuts the function off
    migrate_timeout_ms = functions()["MigrateFunction"]["Timeout"] * 1000
    assert Limits().statement_timeout_ms + Limits().runner_wait_ms <= migrate_timeout_ms * 2
    assert Limits().statement_timeout_ms < migrate_timeout_ms


def rate_limited_paths(acl: dict) -> dict[str, int]:
    limits = {}
    for rule in acl["Properties"]["Rules"]:
        rate = rule["Statement"].get("RateBasedStatement")
        if rate:
            match = rate["ScopeDownStatement"]["ByteMatchStatement"]
            limits[match["SearchString"]] = rate["Limit"]
            assert rate["AggregateKeyType"] == "IP" and "Block" in rule["Action"], rule["Name"]
    return limits


def managed_rule_groups(acl: dict) -> set[str]:
    return {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in acl["Properties"]["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    }


def test_a_waf_rate_limits_sign_up_sign_in_password_reset_and_initiate_before_the_api():
    acls = resources("AWS::WAFv2::WebACL")
    api_acl = acls["ApiWebAcl"]
    assert api_acl["Properties"]["Scope"] == "REGIONAL"
    paths = rate_limited_paths(api_acl)
    assert set(paths) == {"/api/auth/register", "/api/auth/login", "/api/auth/password-reset", "/api/calls/initiate"}
    served = {path for _, path in api_routes()}
    assert {"/api/auth/register", "/api/auth/login", "/api/calls/initiate"} <= served
    expected = {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesAmazonIpReputationList"}
    for acl in acls.values():
        assert expected <= managed_rule_groups(acl)
    [association] = resources("AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"!GetAtt": "ApiWebAcl.Arn"}
    assert "/restapis/${Api}/stages/${Api.Stage}" in association["Properties"]["ResourceArn"]["!Sub"]
    # CloudFront's web ACLs live in us-east-1 only: the page has one when the stack is deployed there
    page = template()["Resources"]["PageDistribution"]["Properties"]["DistributionConfig"]
    assert page["WebACLId"] == {"!If": ["IsUsEast1", {"!GetAtt": "PageWebAcl.Arn"}, {"!Ref": "AWS::NoValue"}]}
    assert acls["PageWebAcl"]["Properties"]["Scope"] == "CLOUDFRONT"


def test_tls12_multi_az_and_the_dialling_functions_reserved_concurrency():
    page = template()["Resources"]["PageDistribution"]["Properties"]["DistributionConfig"]
    _, own_certificate, _ = page["ViewerCertificate"]["!If"]
    assert own_certificate["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert template()["Parameters"]["DbMultiAz"]["Default"] == "true"
    assert template()["Resources"]["Database"]["Properties"]["MultiAZ"] == {"!Ref": "DbMultiAz"}
    reserved = functions()["InitiateCallFunction"]["ReservedConcurrentExecutions"]["!If"]
    assert reserved[:2] == ["ReservesInitiate", {"!Ref": "InitiateReservedConcurrency"}]


FUNCTION_SKIPS = {"CKV_AWS_115", "CKV_AWS_173"}  # checkov: what every serverless function skips, with why


def checkov_skips(resource: dict) -> dict[str, str]:
    skips = (resource.get("Metadata") or {}).get("checkov", {}).get("skip", [])
    return {skip["id"]: skip.get("comment", "") for skip in skips}


def test_every_checkov_skip_says_why_and_every_function_skips_the_same():
    for name, resource in template()["Resources"].items():
        for check, why in checkov_skips(resource).items():
            assert len(why) > 20, (name, check)
        if resource["Type"] == "AWS::Serverless::Function":
            assert set(checkov_skips(resource)) == FUNCTION_SKIPS, name


# ---- TLS 1.2 at least, on the API's and the page's own domains -------------------------------------------


def test_the_api_on_its_own_domain_takes_tls12_at_least_and_turns_the_execute_api_endpoint_off():
    conditions = template()["Conditions"]
    # Both the domain and its certificate, or neither: a half-set pair leaves the API as it was.
    assert conditions["HasApiDomain"] == {
        "!And": [{"!Not": [{"!Equals": [{"!Ref": name}, ""]}]} for name in ("ApiDomainName", "ApiCertificateArn")]
    }
    assert {template()["Parameters"][name]["Default"] for name in ("ApiDomainName", "ApiCertificateArn")} == {""}
    domain = template()["Resources"]["ApiDomain"]
    assert domain["Type"] == "AWS::ApiGateway::DomainName" and domain["Condition"] == "HasApiDomain"
    props = domain["Properties"]
    assert props["SecurityPolicy"] == "TLS_1_2"
    assert props["EndpointConfiguration"] == {"Types": ["REGIONAL"]}  # the API is regional: so is its domain
    assert props["RegionalCertificateArn"] == {"!Ref": "ApiCertificateArn"}
    mapping = template()["Resources"]["ApiBasePathMapping"]
    assert mapping["Type"] == "AWS::ApiGateway::BasePathMapping" and mapping["Condition"] == "HasApiDomain"
    assert mapping["Properties"] == {
        "DomainName": {"!Ref": "ApiDomain"},
        "RestApiId": {"!Ref": "Api"},
        "Stage": {"!Ref": "Api.Stage"},
    }
    # The execute-api endpoint cannot be held to TLS 1.2: off exactly when the domain is there to replace it.
    api = template()["Resources"]["Api"]["Properties"]
    assert api["DisableExecuteApiEndpoint"] == {"!If": ["HasApiDomain", True, False]}
    # Whatever names the API's URL follows it to the domain: the outputs and the page's config.json.
    outputs = template()["Outputs"]
    assert outputs["ApiUrl"]["Value"] == {
        "!If": ["HasApiDomain", {"!Sub": "https://${ApiDomainName}"}, EXECUTE_API_URL]
    }
    webhook = outputs["TwilioWebhookUrl"]["Value"]["!If"]
    assert webhook[0] == "HasApiDomain" and webhook[1] == {
        "!Sub": "https://${ApiDomainName}/api/webhooks/twilio/status"
    }


def test_dns_records_for_the_own_domains_only_with_a_hosted_zone():
    conditions = template()["Conditions"]
    assert conditions["HasHostedZone"] == {"!Not": [{"!Equals": [{"!Ref": "HostedZoneId"}, ""]}]}
    records = resources("AWS::Route53::RecordSet")
    expected = {
        "ApiDomainRecord": ("HasApiDomainRecord", "HasApiDomain", "ApiDomainName"),
        "PageDomainRecord": ("HasPageDomainRecord", "HasPageDomain", "PageDomainName"),
    }
    assert set(records) == set(expected)
    for name, (condition, domain_condition, domain) in expected.items():
        assert records[name]["Condition"] == condition
        assert conditions[condition] == {"!And": [{"!Condition": domain_condition}, {"!Condition": "HasHostedZone"}]}
        props = records[name]["Properties"]
        assert props["HostedZoneId"] == {"!Ref": "HostedZoneId"} and props["Name"] == {"!Ref": domain}
        assert props["Type"] == "A" and props["AliasTarget"]["DNSName"]
    assert records["ApiDomainRecord"]["Properties"]["AliasTarget"] == {
        "DNSName": {"!GetAtt": "ApiDomain.RegionalDomainName"},
        "HostedZoneId": {"!GetAtt": "ApiDomain.RegionalHostedZoneId"},
    }
    assert records["PageDomainRecord"]["Properties"]["AliasTarget"]["HostedZoneId"] == "Z2FDTNDATAQYW2"  # CloudFront's


def test_the_page_on_its_own_domain_takes_tls12_at_least():
    page = template()["Resources"]["PageDistribution"]["Properties"]["DistributionConfig"]
    condition, own_certificate, default = page["ViewerCertificate"]["!If"]
    assert condition == "HasPageDomain"
    assert own_certificate == {
        "AcmCertificateArn": {"!Ref": "PageCertificateArn"},
        "SslSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    assert default == {"CloudFrontDefaultCertificate": True}
    assert page["Aliases"] == {"!If": ["HasPageDomain", [{"!Ref": "PageDomainName"}], {"!Ref": "AWS::NoValue"}]}
