"""`clearsight deploy documents`: every remediation document in SSM, and the role they assume.

A document gets a new version only when its content changed, and that version becomes the
default (Config runs the default unless a Remediation block pins another). The remediation
role trusts SSM Automation in this account only, and carries each document's policy inline,
named after the document.
"""
from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import ClientError

from ..catalog import Catalog
from .roles import ensure_role, trust_policy
from .steps import Deployer, absent


@dataclass(frozen=True)
class DocumentOutcome:
    name: str
    action: str  # created | updated | unchanged
    default_version: str | None


def deploy_document(deployer: Deployer, region: str, name: str, content: str) -> DocumentOutcome:
    try:
        held = deployer.read("ssm", region, "GetDocument", Name=name, DocumentVersion="$LATEST",
                             DocumentFormat="YAML")
    except ClientError as error:
        if not absent(error, "InvalidDocument"):
            raise
        created = deployer.change("ssm", region, "CreateDocument", Name=name, Content=content,
                                  DocumentType="Automation", DocumentFormat="YAML")
        return DocumentOutcome(name, "created", created and created["DocumentDescription"]["DocumentVersion"])
    described = deployer.read("ssm", region, "DescribeDocument", Name=name)["Document"]
    if held["Content"].strip() == content.strip():
        if described["DefaultVersion"] != held["DocumentVersion"]:
            deployer.change("ssm", region, "UpdateDocumentDefaultVersion", Name=name,
                            DocumentVersion=held["DocumentVersion"])
            return DocumentOutcome(name, "updated", held["DocumentVersion"])
        return DocumentOutcome(name, "unchanged", described["DefaultVersion"])
    updated = deployer.change("ssm", region, "UpdateDocument", Name=name, Content=content,
                              DocumentVersion="$LATEST", DocumentFormat="YAML")
    version = updated["DocumentDescription"]["DocumentVersion"] if updated else None
    deployer.change("ssm", region, "UpdateDocumentDefaultVersion", Name=name,
                    DocumentVersion=version or "<the new version>")
    return DocumentOutcome(name, "updated", version)


def remediation_role_policies(catalog: Catalog) -> dict[str, dict]:
    return {name: document.policy for name, document in sorted(catalog.documents.items()) if document.policy}


def remediation_trust(account: str) -> dict:
    """SSM Automation, for executions started in this account only (the confused-deputy guard)."""
    return trust_policy({"Service": "ssm.amazonaws.com"}, {"StringEquals": {"aws:SourceAccount": account}})


def deploy_documents(deployer: Deployer, catalog: Catalog, region: str, role_name: str) -> list[DocumentOutcome]:
    outcomes = [deploy_document(deployer, region, name, document.text)
                for name, document in sorted(catalog.documents.items())]
    ensure_role(deployer, region, role_name, remediation_trust(deployer.account), remediation_role_policies(catalog),
                "clearsight remediation documents (SSM Automation assume role)")
    return outcomes
