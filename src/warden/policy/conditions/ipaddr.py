"""IpAddress and NotIpAddress.

Source: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress

Policy values are IPv4 or IPv6 CIDR blocks; an address without a prefix
length means a single address (`/32`, or `/128` for IPv6), and host bits
below the prefix are ignored, as in `203.0.113.7/24`. Networks are reduced at
compile time to (version, masked network, mask) integers, so a request costs
one address parse (cached) and a few integer operations. An IPv4-mapped IPv6
request address (`::ffff:203.0.113.7`) is compared as the IPv4 address. A
request value that is not an IP address matches nothing.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from ..ast import Position
from ..variables import Context
from .base import FamilyBuild, invalid_value

__all__ = ["build_ip", "parse_address"]


@lru_cache(maxsize=4096)
def parse_address(text: str) -> tuple[int, int] | None:
    """(IP version, address as an integer) for a request value, or None when it is not an address."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return 4, int(address.ipv4_mapped)
    return address.version, int(address)


def build_ip(operator: str, key: str, values: tuple[str, ...], position: Position) -> FamilyBuild:
    """Compile an IpAddress/NotIpAddress clause."""
    blocks: list[tuple[int, int, int]] = []
    for value in values:
        try:
            network = ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            raise invalid_value(
                operator, key, value, "an IPv4 or IPv6 address or CIDR block", position
            ) from None
        mask = int(network.netmask)
        blocks.append((network.version, int(network.network_address) & mask, mask))
    networks = tuple(blocks)

    def test(value: str, ctx: Context) -> bool | None:
        parsed = parse_address(value)
        if parsed is None:
            return None
        version, number = parsed
        for block_version, network, mask in networks:
            if block_version == version and number & mask == network:
                return True
        return False

    return FamilyBuild(test)
