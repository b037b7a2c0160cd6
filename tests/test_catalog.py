"""The catalog reads the repository into one model and names the file and field it cannot read."""
import json
import shutil

import pytest

from clearsight.catalog import CatalogError, load_catalog


def test_real_catalog_loads(catalog):
    rule = catalog.rule("S3_BUCKET_KMS_ENCRYPTION")
    assert rule.resource_types == ("AWS::S3::Bucket",)
    assert rule.periodic == "TwentyFour_Hours"
    assert rule.optional_parameters == {"KmsKeyArns": "", "KeyAccountIds": "", "AllowAwsManagedKey": "false", "RequireBucketKey": "false",
                                        "EvaluationSource": "auto"}
    assert rule.effective_parameters == {"AssumeRoleMode": "false", "AllowAwsManagedKey": "false", "RequireBucketKey": "false",
                                         "EvaluationSource": "auto"}
    assert rule.document_name == "Clearsight-S3EnableKmsEncryption"
    assert rule.policy["Statement"]
    assert callable(rule.load_module().lambda_handler)


def test_unknown_rule_names_the_known_ones(catalog):
    with pytest.raises(KeyError, match="S3_BUCKET_KMS_ENCRYPTION"):
        catalog.rule("NOPE")


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(load_catalog().root / "rules" / "S3_BUCKET_KMS_ENCRYPTION", root / "rules" / "S3_BUCKET_KMS_ENCRYPTION")
    return root


def _parameters(repo):
    return repo / "rules" / "S3_BUCKET_KMS_ENCRYPTION" / "parameters.json"


@pytest.mark.parametrize(
    "text, field",
    [
        ("{not json", "line 1"),
        ('{"Version": "1.0"}', "Parameters"),
        ('{"Parameters": {"InputParameters": {"a": "b"}}}', "Parameters.InputParameters"),
        ('{"Parameters": {"OptionalParameters": "{\\"a\\": 1}"}}', "Parameters.OptionalParameters"),
        ('{"Parameters": {"InputParameters": "{oops"}}', "Parameters.InputParameters"),
    ],
)
def test_malformed_parameters_name_file_and_field(repo, text, field):
    _parameters(repo).write_text(text)
    with pytest.raises(CatalogError) as caught:
        rule = load_catalog(repo).rule("S3_BUCKET_KMS_ENCRYPTION")
        rule.effective_parameters
    assert caught.value.path == _parameters(repo)
    assert caught.value.field == field
    assert str(_parameters(repo)) in str(caught.value)


def test_missing_module_is_named(repo):
    (repo / "rules" / "S3_BUCKET_KMS_ENCRYPTION" / "S3_BUCKET_KMS_ENCRYPTION.py").unlink()
    with pytest.raises(CatalogError, match="S3_BUCKET_KMS_ENCRYPTION.py"):
        load_catalog(repo)


def test_malformed_document_names_file_and_line(repo):
    (repo / "remediation-documents").mkdir()
    bad = repo / "remediation-documents" / "Broken.yaml"
    bad.write_text("schemaVersion: '0.3'\nmainSteps:\n  - name: a\n   action: x\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog(repo)
    assert caught.value.path == bad and caught.value.field.startswith("line ")


def test_pack_must_be_a_mapping(repo):
    (repo / "conformance-packs").mkdir()
    (repo / "conformance-packs" / "x.yaml").write_text("- just a list\n")
    with pytest.raises(CatalogError, match="mapping"):
        load_catalog(repo)


def test_documents_and_policies_are_read(repo):
    (repo / "remediation-documents").mkdir()
    (repo / "remediation-documents" / "Doc-One.yaml").write_text("schemaVersion: '0.3'\nmainSteps: []\n")
    (repo / "remediation-documents" / "Doc-One.policy.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": []}))
    document = load_catalog(repo).documents["Doc-One"]
    assert document.content["schemaVersion"] == "0.3"
    assert document.policy == {"Version": "2012-10-17", "Statement": []}
