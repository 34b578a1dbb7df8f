"""The world the simulator draws from: ports, trade lanes, carriers and container types.

Reference data only, as frozen dataclasses, so it can be read, documented (docs/simulator.md)
and tested. Shares are of simulated filings, not of real national totals: the simulated traffic
is a sample of what two agencies' targeting units see, weighted towards the ports the 2003 cable
and the 2012 Prince Rupert pilot name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DischargePort:
    """A Canadian or U.S. port of discharge and the traffic it receives."""

    locode: str
    name: str
    coast: str  # "west" or "east": which trade lanes reach it
    share: float  # of all simulated filings
    regions: tuple[tuple[str, float], ...]  # origin region and its share of the port's filings
    in_transit_share: float  # share of its boxes bound for the other country by rail
    crossings: tuple[tuple[str, float], ...]  # land border crossing LOCODE and its share
    destinations: tuple[str, ...]  # inland final destinations of domestic boxes


@dataclass(frozen=True)
class ForeignPort:
    """A foreign port of loading."""

    locode: str
    country: str


@dataclass(frozen=True)
class Lane:
    """How goods from an origin region usually reach a coast: transshipment hubs and days."""

    region: str
    coast: str
    direct_share: float
    hubs: tuple[str, ...]
    sailing_days: tuple[int, int]


@dataclass(frozen=True)
class Carrier:
    """An ocean carrier: SCAC, name, container owner prefixes and how it names its ships."""

    scac: str
    name: str
    owner_codes: tuple[str, ...]
    vessel_prefix: str
    share: float


@dataclass(frozen=True)
class ContainerType:
    """An ISO 6346 size-type code with its tare and the payload it can really carry."""

    size_type: str
    tare_kg: float
    max_payload_kg: float  # within codes.MAX_GROSS_KG for the size after the tare
    reefer: bool


CA_PORTS = ("CAPRR", "CAVAN", "CAMTR", "CAHAL")
WEST_ASIA = (("ASIA_EAST", 0.62), ("ASIA_SE", 0.28), ("SOUTH_ASIA", 0.06), ("LATAM", 0.04))
# Rail crossings of the in-transit boxes. CN runs Prince Rupert trains to the U.S. Midwest over
# Fort Frances-Ranier (International Falls) and Sarnia-Port Huron; CPKC crosses at Portal, N.D.
# and Windsor-Detroit.
DISCHARGE_PORTS: tuple[DischargePort, ...] = (
    DischargePort(
        "CAPRR",
        "Prince Rupert",
        "west",
        0.07,
        (("ASIA_EAST", 0.70), ("ASIA_SE", 0.25), ("SOUTH_ASIA", 0.05)),
        0.65,
        (("USINL", 0.55), ("USPHN", 0.45)),
        ("CATOR", "CAWNP", "CAEDM", "CAVAN"),
    ),
    DischargePort(
        "CAVAN",
        "Vancouver",
        "west",
        0.16,
        WEST_ASIA,
        0.12,
        (("USPTL", 0.40), ("USINL", 0.25), ("USPHN", 0.20), ("USDET", 0.15)),
        ("CAVAN", "CACAL", "CAEDM", "CATOR", "CAWNP"),
    ),
    DischargePort(
        "CAMTR",
        "Montreal",
        "east",
        0.07,
        (("EUROPE", 0.62), ("MED", 0.25), ("LATAM", 0.08), ("AFRICA", 0.05)),
        0.08,
        (("USPHN", 0.40), ("USDET", 0.40), ("USBUF", 0.20)),
        ("CAMTR", "CATOR", "CAQUE"),
    ),
    DischargePort(
        "CAHAL",
        "Halifax",
        "east",
        0.04,
        (("EUROPE", 0.45), ("ASIA_SE", 0.15), ("SOUTH_ASIA", 0.15), ("MED", 0.15), ("LATAM", 0.10)),
        0.10,
        (("USPHN", 0.60), ("USDET", 0.40)),
        ("CAHAL", "CAMTR", "CATOR"),
    ),
    DischargePort(
        "USLAX", "Los Angeles", "west", 0.14, WEST_ASIA, 0.0, (), ("USLAX", "USCHI", "USDAL")
    ),
    DischargePort(
        "USLGB", "Long Beach", "west", 0.12, WEST_ASIA, 0.0, (), ("USLGB", "USPHX", "USDEN")
    ),
    DischargePort(
        "USSEA", "Seattle", "west", 0.04, WEST_ASIA, 0.0, (), ("USSEA", "USCHI", "USMSP")
    ),
    DischargePort("USTIW", "Tacoma", "west", 0.04, WEST_ASIA, 0.0, (), ("USTIW", "USPDX", "USCHI")),
    DischargePort(
        "USNYC",
        "New York/New Jersey",
        "east",
        0.12,
        (
            ("EUROPE", 0.32),
            ("ASIA_EAST", 0.25),
            ("ASIA_SE", 0.10),
            ("SOUTH_ASIA", 0.10),
            ("MED", 0.10),
            ("LATAM", 0.08),
            ("AFRICA", 0.05),
        ),
        0.0,
        (),
        ("USNYC", "USEWR", "USPHL", "USBOS"),
    ),
    DischargePort(
        "USSAV",
        "Savannah",
        "east",
        0.10,
        (
            ("ASIA_EAST", 0.40),
            ("ASIA_SE", 0.15),
            ("EUROPE", 0.18),
            ("SOUTH_ASIA", 0.10),
            ("LATAM", 0.12),
            ("MED", 0.05),
        ),
        0.0,
        (),
        ("USSAV", "USATL", "USCLT"),
    ),
    DischargePort(
        "USHOU",
        "Houston",
        "east",
        0.06,
        (("EUROPE", 0.30), ("LATAM", 0.35), ("ASIA_EAST", 0.25), ("MED", 0.10)),
        0.0,
        (),
        ("USHOU", "USDAL", "USSAT"),
    ),
    DischargePort(
        "USCHS",
        "Charleston",
        "east",
        0.04,
        (("EUROPE", 0.40), ("ASIA_EAST", 0.35), ("ASIA_SE", 0.15), ("LATAM", 0.10)),
        0.0,
        (),
        ("USCHS", "USCLT", "USATL"),
    ),
)
PORTS_BY_CODE = {port.locode: port for port in DISCHARGE_PORTS}
# Where U.S.-bound in-transit boxes from Canadian ports end up: the CN and CPKC rail hubs.
IN_TRANSIT_DESTINATIONS = ("USCHI", "USMEM", "USDET", "USCMH", "USMKC", "USMSP")

# Countries of origin by region; a country's weight is its share of the region's shippers.
REGION_COUNTRIES: dict[str, tuple[tuple[str, float], ...]] = {
    "ASIA_EAST": (("CN", 0.72), ("KR", 0.10), ("JP", 0.09), ("TW", 0.06), ("HK", 0.03)),
    "ASIA_SE": (("VN", 0.40), ("TH", 0.18), ("MY", 0.14), ("ID", 0.14), ("PH", 0.08), ("SG", 0.06)),
    "SOUTH_ASIA": (("IN", 0.62), ("BD", 0.18), ("PK", 0.12), ("LK", 0.08)),
    "EUROPE": (("DE", 0.32), ("NL", 0.14), ("BE", 0.12), ("FR", 0.17), ("GB", 0.17), ("CZ", 0.08)),
    "MED": (("IT", 0.38), ("ES", 0.30), ("TR", 0.22), ("GR", 0.05), ("EG", 0.05)),
    "LATAM": (
        ("BR", 0.28),
        ("CO", 0.17),
        ("EC", 0.15),
        ("CL", 0.14),
        ("CR", 0.10),
        ("GT", 0.08),
        ("AR", 0.08),
    ),
    "AFRICA": (("ZA", 0.45), ("ET", 0.25), ("MA", 0.30)),
}
REGION_OF = {country: region for region, pairs in REGION_COUNTRIES.items() for country, _ in pairs}

# Ports of loading by country. Landlocked origins load at a neighbour's port (place of receipt
# inland: Prague loads at Hamburg, Addis Ababa at Djibouti).
LOADING_PORTS: dict[str, tuple[str, ...]] = {
    "CN": ("CNSHA", "CNNGB", "CNYTN", "CNSHK", "CNTAO", "CNXMN"),
    "KR": ("KRPUS",),
    "JP": ("JPTYO", "JPYOK", "JPUKB", "JPNGO"),
    "TW": ("TWKHH",),
    "HK": ("HKHKG",),
    "VN": ("VNSGN", "VNHPH"),
    "TH": ("THLCH",),
    "MY": ("MYPKG", "MYTPP"),
    "ID": ("IDTPP", "IDSUB"),
    "PH": ("PHMNL",),
    "SG": ("SGSIN",),
    "IN": ("INNSA", "INMUN", "INMAA"),
    "BD": ("BDCGP",),
    "PK": ("PKKHI",),
    "LK": ("LKCMB",),
    "DE": ("DEHAM", "DEBRV"),
    "NL": ("NLRTM",),
    "BE": ("BEANR",),
    "FR": ("FRLEH", "FRFOS"),
    "GB": ("GBFXT", "GBSOU"),
    "CZ": ("DEHAM",),
    "IT": ("ITGOA", "ITSPE"),
    "ES": ("ESVLC", "ESBCN"),
    "TR": ("TRMER", "TRAMB"),
    "GR": ("GRPIR",),
    "EG": ("EGALY",),
    "BR": ("BRSSZ",),
    "CO": ("COCTG", "COBUN"),
    "EC": ("ECGYE",),
    "CL": ("CLSAI",),
    "CR": ("CRLIO",),
    "GT": ("GTSTC",),
    "AR": ("ARBUE",),
    "ZA": ("ZADUR",),
    "ET": ("DJJIB",),
    "MA": ("MAPTM",),
}
# Inland places of receipt where they differ from the port of loading.
INLAND_RECEIPT: dict[str, str] = {"CZ": "CZPRG", "ET": "ETADD"}

LANES: tuple[Lane, ...] = (
    Lane("ASIA_EAST", "west", 0.85, ("KRPUS", "CNSHA", "HKHKG"), (11, 18)),
    Lane("ASIA_EAST", "east", 0.55, ("PABLB", "SGSIN", "KRPUS", "LKCMB"), (28, 38)),
    Lane("ASIA_SE", "west", 0.40, ("SGSIN", "HKHKG", "KRPUS", "CNYTN", "TWKHH"), (16, 24)),
    Lane("ASIA_SE", "east", 0.35, ("SGSIN", "LKCMB", "EGPSD", "PABLB"), (28, 38)),
    Lane("SOUTH_ASIA", "west", 0.10, ("LKCMB", "SGSIN", "MYPKG"), (24, 32)),
    Lane("SOUTH_ASIA", "east", 0.25, ("LKCMB", "AEJEA", "ESALG", "MAPTM", "OMSLL"), (26, 36)),
    Lane("EUROPE", "east", 0.80, ("BEANR", "NLRTM", "DEBRV"), (9, 15)),
    Lane("MED", "east", 0.45, ("ESALG", "MAPTM", "ITGIT", "GRPIR"), (12, 20)),
    Lane("LATAM", "east", 0.45, ("PAMIT", "COCTG", "JMKIN", "BSFPO", "DOCAU"), (6, 16)),
    Lane("LATAM", "west", 0.35, ("PABLB", "MXZLO"), (14, 22)),
    Lane("AFRICA", "east", 0.20, ("MAPTM", "ESALG", "TGLFW"), (14, 24)),
)
LANE_OF = {(lane.region, lane.coast): lane for lane in LANES}
# Hubs that sit on cocaine and heroin transit routes. Ordinary traffic passes them too, and a
# concealment route uses them where the lane does not need them (typology 3).
OFF_LANE_HUBS = ("COCTG", "ECGYE", "PAMIT", "JMKIN", "DOCAU", "TGLFW", "NGAPP", "AEJEA", "PKKHI")

CARRIERS: tuple[Carrier, ...] = (
    Carrier("MSCU", "Mediterranean Shipping Company", ("MSCU", "MEDU", "TGHU"), "MSC", 0.20),
    Carrier("MAEU", "Maersk", ("MAEU", "MSKU", "MRKU"), "Maersk", 0.15),
    Carrier("CMDU", "CMA CGM", ("CMAU", "TRHU", "SEGU"), "CMA CGM", 0.13),
    Carrier("COSU", "COSCO Shipping Lines", ("CBHU", "CSNU", "FCIU"), "COSCO", 0.11),
    Carrier("HLCU", "Hapag-Lloyd", ("HLCU", "HLXU", "CAIU"), "", 0.09),
    Carrier("ONEY", "Ocean Network Express", ("ONEU", "NYKU", "BMOU"), "ONE", 0.08),
    Carrier("EGLV", "Evergreen Line", ("EGHU", "EISU", "EMCU"), "Ever", 0.08),
    Carrier("OOLU", "Orient Overseas Container Line", ("OOLU", "OOCU"), "OOCL", 0.07),
    Carrier("YMLU", "Yang Ming", ("YMLU", "YMMU"), "YM", 0.04),
    Carrier("HDMU", "HMM", ("HDMU", "KOCU"), "HMM", 0.03),
    Carrier("ZIMU", "ZIM", ("ZIMU", "ZCSU"), "ZIM", 0.02),
)
VESSEL_NAMES = (
    "Essen",
    "Horizon",
    "Aurora",
    "Meridian",
    "Pegasus",
    "Orion",
    "Valiant",
    "Harmony",
    "Atlas",
    "Triumph",
    "Liberty",
    "Zenith",
    "Nova",
    "Endeavour",
    "Serenity",
    "Pioneer",
    "Voyager",
    "Sapphire",
    "Galaxy",
    "Fortune",
    "Unity",
    "Ambition",
    "Brilliance",
    "Courage",
    "Diamond",
    "Eagle",
    "Falcon",
    "Glory",
    "Hamburg",
    "Istanbul",
    "Jakarta",
    "Kobe",
    "Lisbon",
    "Madrid",
)

CONTAINER_TYPES: dict[str, ContainerType] = {
    "22G1": ContainerType("22G1", 2_230.0, 28_000.0, False),
    "42G1": ContainerType("42G1", 3_750.0, 26_700.0, False),
    "45G1": ContainerType("45G1", 3_900.0, 26_580.0, False),
    "22R1": ContainerType("22R1", 3_050.0, 27_400.0, True),
    "45R1": ContainerType("45R1", 4_800.0, 27_700.0, True),
    "L5G1": ContainerType("L5G1", 4_800.0, 27_700.0, False),
    "42U1": ContainerType("42U1", 3_800.0, 26_600.0, False),
}

# Fixed conversion to U.S. dollars, to keep declared values comparable across currencies.
USD_PER_UNIT: dict[str, float] = {"USD": 1.0, "EUR": 1.08, "GBP": 1.27, "CAD": 0.73, "JPY": 0.0067}
CURRENCY_BY_REGION: dict[str, tuple[tuple[str, float], ...]] = {
    "EUROPE": (("EUR", 0.65), ("USD", 0.35)),
    "MED": (("EUR", 0.55), ("USD", 0.45)),
}
CURRENCY_BY_COUNTRY: dict[str, tuple[tuple[str, float], ...]] = {
    "GB": (("GBP", 0.5), ("USD", 0.5)),
    "JP": (("JPY", 0.3), ("USD", 0.7)),
}

# Lead time before loading that the filing rules require (hours) and how filers behave.
LEAD_TIME_HOURS = 24
