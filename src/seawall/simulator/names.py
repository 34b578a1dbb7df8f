"""Names and addresses of trading parties, in several countries and scripts, and their variants.

A party's name is drawn once (parties are long-lived) from word lists of its country. Filers
write the same party differently from one filing to the next (company-form suffix spelt out or
abbreviated, capitals), and a watchlisted party may appear misspelt, transliterated or under an
alias: those variants are made here.
"""

from __future__ import annotations

from dataclasses import dataclass

from seawall.simulator.dice import Dice

# Company-form suffixes by country, with the variant spellings filers use for the same form.
SUFFIXES: dict[str, tuple[tuple[str, ...], ...]] = {
    "CN": (("Co., Ltd.", "Co Ltd", "Company Limited", "CO.,LTD"),),
    "HK": (("Limited", "Ltd", "LTD."),),
    "TW": (("Co., Ltd.", "Corporation", "Corp."),),
    "KR": (("Co., Ltd.", "Corporation", "Corp."),),
    "JP": (("Co., Ltd.", "K.K.", "Kabushiki Kaisha"), ("Corporation", "Corp.")),
    "VN": (("Joint Stock Company", "JSC", "J.S.C."), ("Co., Ltd.", "Company Limited")),
    "TH": (("Co., Ltd.", "Company Limited"), ("Public Company Limited", "PCL")),
    "MY": (("Sdn. Bhd.", "Sdn Bhd", "SDN. BHD."),),
    "ID": (("PT", "P.T."),),
    "PH": (("Inc.", "Incorporated"), ("Corporation", "Corp.")),
    "SG": (("Pte. Ltd.", "Pte Ltd", "Private Limited"),),
    "IN": (("Pvt. Ltd.", "Private Limited", "Pvt Ltd"), ("Limited", "Ltd.")),
    "BD": (("Ltd.", "Limited"),),
    "PK": (("(Pvt.) Ltd.", "Private Limited"),),
    "LK": (("(Pvt) Ltd", "Private Limited"),),
    "DE": (("GmbH", "G.m.b.H."), ("AG", "Aktiengesellschaft"), ("GmbH & Co. KG", "GmbH & Co KG")),
    "NL": (("B.V.", "BV"),),
    "BE": (("NV", "N.V."), ("BV", "B.V.")),
    "FR": (("SAS", "S.A.S."), ("SA", "S.A.")),
    "GB": (("Ltd", "Limited", "LTD"), ("PLC", "plc")),
    "CZ": (("s.r.o.", "spol. s r.o."),),
    "IT": (("S.r.l.", "SRL", "s.r.l."), ("S.p.A.", "SpA")),
    "ES": (("S.L.", "SL", "Sociedad Limitada"), ("S.A.", "SA")),
    "GR": (("S.A.", "A.E."),),
    "TR": (("A.Ş.", "A.S.", "Anonim Şirketi"), ("Ltd. Şti.", "Ltd. Sti.", "Limited Şirketi")),
    "EG": (("S.A.E.", "SAE"),),
    "BR": (("Ltda.", "Ltda", "LTDA"), ("S.A.", "SA")),
    "CO": (("S.A.S.", "SAS"),),
    "EC": (("S.A.", "SA"), ("Cía. Ltda.", "Cia. Ltda.")),
    "CL": (("SpA", "S.p.A."), ("Ltda.", "Limitada")),
    "CR": (("S.A.", "Sociedad Anónima"),),
    "GT": (("S.A.", "Sociedad Anónima"),),
    "AR": (("S.A.", "SA"), ("S.R.L.", "SRL")),
    "ZA": (("(Pty) Ltd", "Proprietary Limited"),),
    "ET": (("PLC", "P.L.C."),),
    "MA": (("SARL", "S.A.R.L."),),
    "AE": (("FZE", "F.Z.E."), ("LLC", "L.L.C.")),
    "RU": (("OOO", "LLC", "ООО"),),
    "IR": (("Co.", "Company"),),
    "CA": (("Inc.", "Inc", "Incorporated"), ("Ltd.", "Limited"), ("Corp.", "Corporation")),
    "US": (("Inc.", "Inc", "INC"), ("LLC", "L.L.C."), ("Corp.", "Corporation"), ("Co.", "Company")),
}
_DEFAULT_SUFFIX: tuple[tuple[str, ...], ...] = (("Ltd.", "Limited"),)

# Leading words of trade names: place names and surnames of the country, as companies use them.
STEMS: dict[str, tuple[str, ...]] = {
    "CN": (
        "Ningbo",
        "Shenzhen",
        "Guangzhou",
        "Xiamen",
        "Zhejiang",
        "Jiangsu",
        "Qingdao",
        "Foshan",
        "Dongguan",
        "Yiwu",
        "Huaxin",
        "Zhongshan",
        "Jinhua",
        "Hengtong",
        "Xinyuan",
    ),
    "HK": ("Kowloon", "Pacific Star", "Wing Fat", "Tai Ping"),
    "TW": ("Formosa", "Hsinchu", "Tatung"),
    "KR": ("Hanil", "Daesung", "Busan", "Samil", "Kumho", "Hyosung"),
    "JP": ("Nippon", "Tokai", "Osaka", "Yamato", "Kansai", "Sanyo", "Hokuto"),
    "VN": ("Saigon", "Hanoi", "Phu Thai", "Minh Long", "Viet Tien", "Hoang Gia", "Dong Nai"),
    "TH": ("Siam", "Thai Union", "Chonburi", "Rayong", "Sri Trang"),
    "MY": ("Klang", "Selangor", "Penang", "Johor"),
    "ID": ("Nusantara", "Surya", "Jaya Abadi", "Indah"),
    "PH": ("Manila", "Luzon", "Visayas"),
    "SG": ("Lion City", "Jurong", "Keppel"),
    "IN": ("Mumbai", "Gujarat", "Shree Ganesh", "Bharat", "Raj", "Kohinoor", "Tirupur"),
    "BD": ("Dhaka", "Chittagong", "Bengal"),
    "PK": ("Karachi", "Lahore", "Al-Noor", "Faisal"),
    "LK": ("Ceylon", "Lanka"),
    "DE": ("Hanseatic", "Bayern", "Rhein", "Müller", "Schäfer", "Nord"),
    "NL": ("Holland", "Van Dijk", "Delta"),
    "BE": ("Flanders", "Antwerp", "Brabant"),
    "FR": ("Normandie", "Provence", "Lefèvre", "Rhône"),
    "GB": ("Albion", "Thames", "Pennine"),
    "CZ": ("Bohemia", "Moravia"),
    "IT": ("Emilia", "Toscana", "Lombarda", "Rossi", "Veneta"),
    "ES": ("Levante", "Castellón", "Ibérica", "García"),
    "GR": ("Hellenic", "Aegean"),
    "TR": ("Anadolu", "Ege", "Marmara", "Yıldız", "Öztürk"),
    "EG": ("Nile", "Delta Misr"),
    "BR": ("Paulista", "Minas", "Santos", "Brasil Sul"),
    "CO": ("Andina", "Caribe", "Antioquia"),
    "EC": ("Guayas", "Pacífico", "Costa Verde"),
    "CL": ("Austral", "Andes"),
    "CR": ("Tico", "Limón"),
    "GT": ("Maya", "Quetzal"),
    "AR": ("Pampa", "Rioplatense"),
    "ZA": ("Cape", "Highveld"),
    "ET": ("Abyssinia", "Sidamo"),
    "MA": ("Atlas", "Maghreb"),
    "AE": ("Gulf", "Al Noor", "Emirates Star"),
    "RU": ("Volga", "Ural", "Baltika"),
    "IR": ("Pars", "Kaveh"),
    "CA": (
        "Maple",
        "Northern",
        "Lakeshore",
        "Laurentian",
        "Pacific",
        "Prairie",
        "Dominion",
        "Fraser",
        "Bluewater",
        "Cascade",
        "Beaver",
    ),
    "US": (
        "Lakeside",
        "Liberty",
        "Keystone",
        "Empire",
        "Golden State",
        "Lone Star",
        "Midwest",
        "Atlantic",
        "Heartland",
        "Summit",
        "Eagle",
        "Bayou",
    ),
}
TRADES = (
    "Trading",
    "Import & Export",
    "Industrial",
    "Furniture",
    "Textile",
    "Garments",
    "Electronics",
    "Logistics",
    "Foods",
    "Home Goods",
    "Supply",
    "International",
    "Distribution",
    "Enterprises",
    "Manufacturing",
    "Global",
    "Commerce",
    "Holdings",
)
# Names in the scripts filers sometimes add in brackets, and the romanizations of the same name.
NATIVE_SCRIPT: dict[str, tuple[str, ...]] = {
    "CN": ("宁波", "深圳", "广州", "厦门", "浙江", "江苏", "青岛", "佛山"),
    "JP": ("日本", "東海", "大阪", "大和"),
    "KR": ("한일", "대성", "부산", "삼일"),
    "RU": ("Волга", "Урал", "Балтика"),
    "AE": ("الخليج", "النور"),
    "TH": ("สยาม",),
}
STREETS = (
    "Industrial Road",
    "Harbour Street",
    "Commerce Avenue",
    "Station Road",
    "Main Street",
    "Market Street",
    "Park Avenue",
    "Riverside Drive",
    "Export Zone",
    "Free Trade Zone",
)
CITIES: dict[str, tuple[str, ...]] = {
    "CA": (
        "Toronto",
        "Mississauga",
        "Brampton",
        "Vaughan",
        "Montreal",
        "Laval",
        "Vancouver",
        "Richmond",
        "Surrey",
        "Calgary",
        "Edmonton",
        "Winnipeg",
        "Halifax",
        "Quebec",
    ),
    "US": (
        "Chicago",
        "Los Angeles",
        "City of Industry",
        "Newark",
        "Elizabeth",
        "Edison",
        "Houston",
        "Dallas",
        "Atlanta",
        "Savannah",
        "Seattle",
        "Memphis",
        "Columbus",
        "Miami",
    ),
}
# Transliteration families: a watchlisted name spelt one way may be filed another way.
TRANSLITERATIONS: tuple[tuple[str, ...], ...] = (
    ("Mohammed", "Muhammad", "Mohamed", "Mohammad"),
    ("Yusuf", "Youssef", "Yousef"),
    ("Zhang", "Chang"),
    ("Xu", "Hsu"),
    ("Zhou", "Chou"),
    ("Qiao", "Chiao"),
    ("Sergei", "Sergey", "Serguei"),
    ("Aleksandr", "Alexander", "Aleksander"),
    ("Khalid", "Khaled"),
    ("Hussein", "Husain", "Hussain"),
    ("Abdul", "Abdel", "Abd al"),
    ("Nguyen", "Nguyễn"),
    ("Tran", "Trần"),
    ("Petrov", "Petroff"),
    ("Volga", "Wolga"),
    ("Gulf", "Khaleej"),
    ("Pars", "Fars"),
)
GIVEN = (
    "Mohammed",
    "Yusuf",
    "Khalid",
    "Hussein",
    "Sergei",
    "Aleksandr",
    "Wei",
    "Li",
    "Jorge",
    "Carlos",
    "Luis",
    "Ahmed",
    "Omar",
    "Dmitri",
    "Ivan",
    "Nguyen",
)
FAMILY = (
    "Zhang",
    "Xu",
    "Zhou",
    "Qiao",
    "Petrov",
    "Abdul Rahman",
    "Hussein",
    "Tran",
    "Ramirez",
    "Castillo",
    "Ortega",
    "Al Mansoori",
    "Volkov",
    "Khan",
    "Mendoza",
)


@dataclass(frozen=True)
class Name:
    """A company name as its owner registered it: stem, trade, company form and native script."""

    stem: str
    trade: str
    suffixes: tuple[str, ...]
    native: str | None

    def written(self, dice: Dice, variant_rate: float) -> str:
        """The name as a filer writes it this time: usually the registered form."""
        if not dice.chance(variant_rate):
            return f"{self.stem} {self.trade} {self.suffixes[0]}"
        text = f"{self.stem} {self.trade} {dice.pick(self.suffixes)}"
        if self.native is not None and dice.chance(0.3):
            text = f"{text} ({self.native})"
        return text.upper() if dice.chance(0.4) else text


def company_name(dice: Dice, country: str) -> Name:
    """A new company name of a party based in ``country``."""
    stems = STEMS.get(country, STEMS["US"])
    forms = SUFFIXES.get(country, _DEFAULT_SUFFIX)
    native_stems = NATIVE_SCRIPT.get(country)
    native = None
    if native_stems is not None and dice.chance(0.3):
        native = dice.pick(native_stems)
    stem = dice.pick(stems)
    if dice.chance(0.5):  # two-word stems make the population's names less repetitive
        stem = f"{stem} {dice.pick(stems)}" if dice.chance(0.3) else f"{stem} {dice.pick(TRADES)}"
    return Name(stem, dice.pick(TRADES), dice.pick(forms), native)


def person_name(dice: Dice) -> str:
    """An individual's name, from the families the watchlists hold."""
    return f"{dice.pick(GIVEN)} {dice.pick(FAMILY)}"


def street_address(dice: Dice, residential: bool = False) -> str:
    """A street line; residential ones are apartments and houses, the mark of a shell."""
    number = 1 + int(dice.u() * 4_000)
    if residential:
        tree = dice.pick(("Elm", "Oak", "Maple", "Cedar", "Birch"))
        way = dice.pick(("Crescent", "Court", "Lane", "Drive"))
        return f"Apt {1 + int(dice.u() * 40)}, {number} {tree} {way}"
    return f"{number} {dice.pick(STREETS)}"


def misspell(dice: Dice, text: str) -> str:
    """One typing slip: a letter dropped, doubled or two letters swapped."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text + text[-1]
    i = letters[1 + int(dice.u() * (len(letters) - 2))]
    kind = dice.u()
    if kind < 0.34:
        return text[:i] + text[i + 1 :]
    if kind < 0.67:
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def transliterate(dice: Dice, text: str) -> str | None:
    """The same name in another romanization, or None when no word of it has one."""
    for family in TRANSLITERATIONS:
        for spelling in family:
            if spelling in text:
                others = [other for other in family if other != spelling]
                return text.replace(spelling, dice.pick(others), 1)
    return None


_FORWARDER_STEMS = (
    "Pacific",
    "Atlantic",
    "Trans-Ocean",
    "Blue Anchor",
    "Meridian",
    "Polar",
    "Harbourline",
    "Greatwave",
    "Northstar",
    "Silk Road",
    "Crossroads",
    "Tidewater",
)
_FORWARDER_TRADES = ("Forwarding", "Logistics", "Freight Services", "Shipping", "Cargo Lines")


def forwarder_name(dice: Dice) -> str:
    """The name of a freight forwarder (an NVOCC that files house bills)."""
    form = dice.pick(("Ltd", "Inc.", "LLC", "GmbH", "Co., Ltd."))
    return f"{dice.pick(_FORWARDER_STEMS)} {dice.pick(_FORWARDER_TRADES)} {form}"
