"""The feature catalogue: every name a rule may use, its type and what it means.

The catalogue is the contract between three parties: the feature builder (which must produce
exactly these fields), the type-checker (which refuses a rule naming anything else), and the
node (which fills the history fields from its database). ``docs/rules.md`` lists it for analysts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl


class FeatureType(StrEnum):
    """The four value types of the rule language (plus ``null`` for an absent value)."""

    NUMBER = "number"
    STRING = "string"
    BOOL = "bool"
    STRING_LIST = "list[string]"


@dataclass(frozen=True, slots=True)
class Feature:
    """One field of the feature record."""

    type: FeatureType
    description: str
    nullable: bool = False


N, S, B, L = FeatureType.NUMBER, FeatureType.STRING, FeatureType.BOOL, FeatureType.STRING_LIST

CATALOGUE: dict[str, Feature] = {
    # Route
    "mode": Feature(S, "Transport mode of the filed leg: marine, air, rail or road."),
    "place_of_receipt": Feature(S, "UN/LOCODE where the carrier took the goods in charge."),
    "port_of_loading": Feature(S, "UN/LOCODE of the foreign port of loading."),
    "port_of_discharge": Feature(S, "UN/LOCODE of the port of discharge."),
    "final_destination": Feature(S, "UN/LOCODE of the final place of delivery."),
    "receipt_country": Feature(S, "Country of the place of receipt (first two letters of it)."),
    "loading_country": Feature(S, "Country of the port of loading."),
    "discharge_country": Feature(S, "Country of the port of discharge."),
    "destination_country": Feature(S, "Country the goods are bound for."),
    "in_transit": Feature(B, "Landed in one country for another (e.g. Prince Rupert to the US)."),
    "onward_mode": Feature(S, "How an in-transit box leaves the port: rail, road, none..."),
    "border_crossing": Feature(S, "UN/LOCODE of the land border crossing, if any.", True),
    "transshipment_ports": Feature(L, "UN/LOCODEs of the transshipment ports, in order."),
    "transshipment_countries": Feature(L, "Countries of the transshipment ports."),
    "transshipment_count": Feature(N, "Number of transshipment ports."),
    "route_countries": Feature(L, "Countries of receipt, loading, transshipment and discharge."),
    "origin_differs_from_loading": Feature(
        B, "At least one goods item originates in another country than the loading country."
    ),
    "voyage_days": Feature(N, "Days from loading to the discharge ETA."),
    # Timing and versions
    "hours_late": Feature(
        N,
        "Hours past the filing deadline (loading time minus lead time); "
        "0 when on time, null when the receipt time is unknown.",
        True,
    ),
    "filed_after_loading": Feature(B, "Received after loading began.", True),
    "amendment_count": Feature(N, "Versions filed before this one."),
    "amended_after_loading": Feature(B, "This is an amendment received after loading began.", True),
    # Parties
    "document_kind": Feature(S, "Transport document kind: master or house."),
    "shipper_country": Feature(S, "Country of the shipper's address."),
    "consignee_country": Feature(S, "Country of the consignee's address."),
    "consignee_differs_from_destination": Feature(
        B, "The consignee's country is not the destination country."
    ),
    "consignee_has_identifier": Feature(B, "The consignee gave a business or tax number."),
    "consignee_is_residential": Feature(
        B, "Heuristic: apartment marker in the street, or a person's name without an identifier."
    ),
    "consignee_is_logistics_provider": Feature(
        B, "The consignee's name reads as a forwarder or logistics firm, hiding the buyer."
    ),
    "consignee_to_order": Feature(B, "A 'to order' consignee: the buyer is not named."),
    "has_importer": Feature(B, "An importer party is named."),
    "has_manufacturer": Feature(B, "A manufacturer or supplier party is named."),
    "has_stuffing_location": Feature(B, "The stuffing location is named."),
    "shipper_same_as_consignee": Feature(B, "Shipper and consignee have the same name."),
    # Goods
    "hs_codes": Feature(L, "HS codes of the goods items (6 to 10 digits)."),
    "hs_headings": Feature(L, "HS headings (first four digits) of the goods items."),
    "hs_chapters": Feature(L, "HS chapters (first two digits) of the goods items."),
    "origin_countries": Feature(L, "Origin countries of the goods items."),
    "description_words": Feature(L, "Lower-case words of the goods descriptions."),
    "package_types": Feature(L, "UN/ECE Rec. 21 package type codes of the goods items."),
    "un_numbers": Feature(L, "UN numbers of declared dangerous goods."),
    "goods_count": Feature(N, "Number of goods items."),
    "total_packages": Feature(N, "Packages over all goods items."),
    "total_weight_kg": Feature(N, "Gross weight of the goods, kg."),
    "declared_value_usd": Feature(
        N,
        "Declared value in USD at the static rates of features.USD_RATES (an approximation); "
        "null when a currency is not in the table.",
        True,
    ),
    "value_per_kg_usd": Feature(N, "Declared USD value per kg of goods.", True),
    "has_dangerous_goods": Feature(B, "At least one goods item carries a UN number."),
    "has_wood_packaging": Feature(
        B, "A package type is wooden or usually wooden (pallet, crate, cask): ISPM 15 applies."
    ),
    "value_per_kg_z_min": Feature(
        N,
        "Lowest robust z-score over the goods items of log(USD per kg) against the HS norm; "
        "strongly negative means undervalued. Null when no item has a norm.",
        True,
    ),
    "value_per_kg_z_max": Feature(
        N, "Highest such z-score: strongly positive is overvalued.", True
    ),
    "weight_per_package_z_min": Feature(
        N, "Lowest robust z-score of log(kg per package) against the HS norm.", True
    ),
    "weight_per_package_z_max": Feature(
        N, "Highest robust z-score of log(kg per package): packages heavier than the norm.", True
    ),
    # Containers
    "container_count": Feature(N, "Number of containers."),
    "container_size_types": Feature(L, "ISO 6346 size-type codes of the containers."),
    "unsealed_container": Feature(B, "A container declares no seal."),
    "weight_gap_ratio": Feature(
        N,
        "(container gross mass - estimated tare - goods weight) / goods weight: weight the "
        "goods do not account for.",
    ),
    # History: computed by the node from its database (or history.history_features)
    "shipper_first_seen": Feature(B, "No earlier filing names this shipper.", True),
    "consignee_first_seen": Feature(B, "No earlier filing names this consignee.", True),
    "party_first_seen": Feature(B, "The shipper or the consignee is first seen.", True),
    "shipper_prior_filings": Feature(N, "Earlier filings naming this shipper.", True),
    "consignee_prior_filings": Feature(N, "Earlier filings naming this consignee.", True),
    "party_prior_findings": Feature(
        N,
        "Earlier filings with an exam finding naming this shipper, plus those naming this "
        "consignee.",
        True,
    ),
    "seal_reused": Feature(
        B, "A seal number already appeared on another transport document.", True
    ),
}

# The history fields: the node fills them; a filing scored without history leaves them null.
HISTORY_FEATURES = (
    "shipper_first_seen",
    "consignee_first_seen",
    "party_first_seen",
    "shipper_prior_filings",
    "consignee_prior_filings",
    "party_prior_findings",
    "seal_reused",
)

_POLARS_TYPES: dict[FeatureType, pl.DataType] = {
    FeatureType.NUMBER: pl.Float64(),
    FeatureType.STRING: pl.String(),
    FeatureType.BOOL: pl.Boolean(),
    FeatureType.STRING_LIST: pl.List(pl.String()),
}


def polars_schema() -> dict[str, pl.DataType]:
    """The Polars schema of a feature frame: one column per catalogue entry."""
    return {name: _POLARS_TYPES[feature.type] for name, feature in CATALOGUE.items()}
