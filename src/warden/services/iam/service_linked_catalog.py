"""Which role name each AWS service gives its service-linked role, and whether it takes a suffix.

The names are the ones AWS creates (each service documents its role on its "Using service-linked
roles" page, linked from https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-services-that-work-with-iam.html).
A service principal not listed here gets `AWSServiceRoleFor` + its first label capitalised, the
form most services follow.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ServiceLinkedRoleSpec", "spec_for"]


@dataclass(frozen=True, slots=True)
class ServiceLinkedRoleSpec:
    """How one service names its service-linked role."""

    service: str
    role_name: str
    custom_suffix_allowed: bool = False

    def name_with(self, suffix: str | None) -> str:
        """AWS joins a custom suffix to the service's name with an underscore."""
        return f"{self.role_name}_{suffix}" if suffix else self.role_name


_KNOWN: tuple[tuple[str, str, bool], ...] = (
    ("access-analyzer.amazonaws.com", "AWSServiceRoleForAccessAnalyzer", False),
    ("acm.amazonaws.com", "AWSServiceRoleForCertificateManager", False),
    ("appmesh.amazonaws.com", "AWSServiceRoleForAppMesh", False),
    ("autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling", True),
    ("backup.amazonaws.com", "AWSServiceRoleForBackup", False),
    ("batch.amazonaws.com", "AWSServiceRoleForBatch", False),
    ("aco-automation.amazonaws.com", "AWSServiceRoleForComputeOptimizerAutomation", False),
    ("cloudtrail.amazonaws.com", "AWSServiceRoleForCloudTrail", False),
    ("compute-optimizer.amazonaws.com", "AWSServiceRoleForComputeOptimizer", False),
    ("config.amazonaws.com", "AWSServiceRoleForConfig", False),
    ("connect.amazonaws.com", "AWSServiceRoleForAmazonConnect", True),
    (
        "dynamodb.application-autoscaling.amazonaws.com",
        "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
        False,
    ),
    ("ec2fleet.amazonaws.com", "AWSServiceRoleForEC2Fleet", False),
    ("ecs.amazonaws.com", "AWSServiceRoleForECS", False),
    (
        "ecs.application-autoscaling.amazonaws.com",
        "AWSServiceRoleForApplicationAutoScaling_ECSService",
        False,
    ),
    ("eks.amazonaws.com", "AWSServiceRoleForAmazonEKS", False),
    ("eks-fargate.amazonaws.com", "AWSServiceRoleForAmazonEKSForFargate", False),
    ("eks-nodegroup.amazonaws.com", "AWSServiceRoleForAmazonEKSNodegroup", False),
    ("elasticache.amazonaws.com", "AWSServiceRoleForElastiCache", False),
    ("elasticbeanstalk.amazonaws.com", "AWSServiceRoleForElasticBeanstalk", False),
    ("elasticfilesystem.amazonaws.com", "AWSServiceRoleForAmazonElasticFileSystem", False),
    ("elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing", False),
    ("emr-containers.amazonaws.com", "AWSServiceRoleForAmazonEMRContainers", False),
    ("es.amazonaws.com", "AWSServiceRoleForAmazonElasticsearchService", False),
    ("fis.amazonaws.com", "AWSServiceRoleForFIS", False),
    ("grafana.amazonaws.com", "AWSServiceRoleForAmazonGrafana", False),
    ("guardduty.amazonaws.com", "AWSServiceRoleForAmazonGuardDuty", False),
    ("imagebuilder.amazonaws.com", "AWSServiceRoleForImageBuilder", False),
    ("inspector2.amazonaws.com", "AWSServiceRoleForAmazonInspector2", False),
    ("kafka.amazonaws.com", "AWSServiceRoleForKafka", False),
    ("lakeformation.amazonaws.com", "AWSServiceRoleForLakeFormationDataAccess", False),
    ("lexv2.amazonaws.com", "AWSServiceRoleForLexV2Bots", True),
    ("memorydb.amazonaws.com", "AWSServiceRoleForMemoryDB", False),
    ("mq.amazonaws.com", "AWSServiceRoleForAmazonMQ", False),
    ("opensearchservice.amazonaws.com", "AWSServiceRoleForAmazonOpenSearchService", False),
    ("ops.apigateway.amazonaws.com", "AWSServiceRoleForAPIGateway", False),
    ("organizations.amazonaws.com", "AWSServiceRoleForOrganizations", False),
    ("rds.amazonaws.com", "AWSServiceRoleForRDS", False),
    ("replication.dynamodb.amazonaws.com", "AWSServiceRoleForDynamoDBReplication", False),
    ("securityhub.amazonaws.com", "AWSServiceRoleForSecurityHub", False),
    ("spot.amazonaws.com", "AWSServiceRoleForEC2Spot", False),
    ("spotfleet.amazonaws.com", "AWSServiceRoleForEC2SpotFleet", False),
    ("ssm.amazonaws.com", "AWSServiceRoleForAmazonSSM", False),
    ("sso.amazonaws.com", "AWSServiceRoleForSSO", False),
    ("support.amazonaws.com", "AWSServiceRoleForSupport", False),
    ("transitgateway.amazonaws.com", "AWSServiceRoleForVPCTransitGateway", False),
    ("trustedadvisor.amazonaws.com", "AWSServiceRoleForTrustedAdvisor", False),
)
_CATALOG = {service: ServiceLinkedRoleSpec(service, name, suffix) for service, name, suffix in _KNOWN}


def spec_for(service: str) -> ServiceLinkedRoleSpec:
    """The naming rule for `service` (a service principal such as `ecs.amazonaws.com`)."""
    known = _CATALOG.get(service)
    if known is not None:
        return known
    label = service.split(".", 1)[0]
    return ServiceLinkedRoleSpec(service, "AWSServiceRoleFor" + label[:1].upper() + label[1:])
