"""botocore service models, loaded once per process: the single source of every wire detail.

warden never describes an AWS operation by hand. Member names, shapes, constraints, XML
namespaces and JSON target prefixes all come from the model files shipped inside the installed
botocore package, so the codecs stay in step with what AWS SDKs actually send.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel, StructureShape

__all__ = [
    "SUPPORTED_SERVICES",
    "Operation",
    "Service",
    "UnknownService",
    "load_service",
    "service_for_signing_name",
]

#: Model names (botocore's) of the services warden serves.
SUPPORTED_SERVICES: tuple[str, ...] = ("iam", "sts", "cloudtrail", "organizations", "accessanalyzer")


class UnknownService(LookupError):
    """A service name or signing name that warden has no model for (a programming or routing error)."""


@dataclass(frozen=True, slots=True, eq=False)
class Operation:
    """One operation of one service, with everything a codec needs to read and write it.

    Compared by identity: there is exactly one instance per (service, operation) per process,
    which makes it a cheap cache key for compiled validators and codecs.
    """

    service_name: str
    name: str
    api_version: str
    protocol: str
    xml_namespace: str | None
    input_shape: StructureShape | None
    output_shape: StructureShape | None
    result_wrapper: str | None
    model: OperationModel = field(repr=False)

    @property
    def response_element(self) -> str:
        """The root element of a Query response: `CreateUserResponse`."""
        return f"{self.name}Response"


@dataclass(frozen=True, slots=True, eq=False)
class Service:
    """A loaded service model and its operations, looked up by their wire names."""

    name: str
    signing_name: str
    api_version: str
    protocol: str
    xml_namespace: str | None
    target_prefix: str | None
    json_version: str | None
    model: ServiceModel = field(repr=False)
    _operations: dict[str, Operation] = field(repr=False)

    def find_operation(self, wire_name: str) -> Operation | None:
        """The operation named exactly `wire_name` (`CreateUser`), or None: AWS names are case-sensitive."""
        return self._operations.get(wire_name)

    @property
    def operation_names(self) -> tuple[str, ...]:
        return tuple(self._operations)


@cache
def _loader() -> Loader:
    return Loader()


def _operation(service: ServiceModel, name: str) -> Operation:
    model = service.operation_model(name)
    output = model.output_shape
    wrapper = output.serialization.get("resultWrapper") if output is not None else None
    return Operation(
        service_name=service.service_name,
        name=model.name,
        api_version=service.api_version,
        protocol=service.protocol,
        xml_namespace=service.metadata.get("xmlNamespace"),
        input_shape=model.input_shape,
        output_shape=output,
        result_wrapper=wrapper,
        model=model,
    )


@cache
def load_service(name: str) -> Service:
    """The model for `name` (`iam`, `sts`, ...), read from botocore's data files on first use."""
    if name not in SUPPORTED_SERVICES:
        raise UnknownService(f"warden does not serve the AWS service {name!r}")
    raw = _loader().load_service_model(name, "service-2")
    model = ServiceModel(raw, service_name=name)
    operations = {op: _operation(model, op) for op in model.operation_names}
    metadata = model.metadata
    return Service(
        name=name,
        signing_name=model.signing_name or metadata["endpointPrefix"],
        api_version=model.api_version,
        protocol=model.protocol,
        xml_namespace=metadata.get("xmlNamespace"),
        target_prefix=metadata.get("targetPrefix"),
        json_version=metadata.get("jsonVersion"),
        model=model,
        _operations=operations,
    )


@cache
def _by_signing_name() -> dict[str, str]:
    return {load_service(name).signing_name: name for name in SUPPORTED_SERVICES}


def service_for_signing_name(signing_name: str) -> Service:
    """The service a SigV4 credential scope names (`access-analyzer` -> `accessanalyzer`)."""
    try:
        return load_service(_by_signing_name()[signing_name])
    except KeyError:
        raise UnknownService(f"no service signs requests as {signing_name!r}") from None
