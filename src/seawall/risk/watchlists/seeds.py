"""Invented watchlist names for calibration: varied countries, scripts and company forms.

None of these is a real listed party. Each seed has the name as listed, the country, its
company form (kept apart so variants can spell it differently), aliases, and for names from
non-Latin scripts the native spelling that a filer may write instead (only where the listed
name is that spelling romanized; a translation, such as a Greek or Korean trade name, is an
alias instead).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Seed:
    """One invented listed party."""

    name: str
    country: str
    form: str = ""
    aliases: tuple[str, ...] = ()
    native: str = ""
    person: bool = False


SEEDS: tuple[Seed, ...] = (
    Seed("Volga Machinery Trading", "RU", "OOO", ("Volgamash",), "Волга Машинери Трейдинг"),
    Seed("Uralskaya Stal Export", "RU", "OOO", (), "Уральская Сталь Экспорт"),
    Seed(
        "Baltiyskiy Logisticheskiy Tsentr",
        "RU",
        "AO",
        ("Baltic Logistics Centre",),
        "Балтийский Логистический Центр",
    ),
    Seed(
        "Sergei Vladimirovich Kuznetsov", "RU", person=True, native="Сергей Владимирович Кузнецов"
    ),
    Seed("Dmitri Orlov", "RU", person=True, native="Дмитрий Орлов"),
    Seed("Shenzhen Huaxin Maoyi", "CN", "Co., Ltd.", ("Huaxin Trading",), "深圳华信贸易"),
    Seed(
        "Ningbo Jinhai Guoji Huoyun",
        "CN",
        "Co., Ltd.",
        ("Jinhai International Freight",),
        "宁波金海国际货运",
    ),
    Seed("Xiamen Longteng Shiye", "CN", "Co., Ltd.", (), "厦门龙腾实业"),
    Seed("Zhang Weiming", "CN", person=True, native="张伟明"),
    Seed("Qingdao Haiyang Huagong", "CN", "Co., Ltd.", ("Ocean Chemical Qingdao",), "青岛海洋化工"),
    Seed("Al Noor General Trading", "AE", "LLC", ("النور للتجارة العامة",)),
    Seed("Khaleej Star Shipping", "AE", "FZE", ("Gulf Star Shipping", "نجمة الخليج للشحن")),
    Seed(
        "Mohammed Abdul Rahman Al Mansoori",
        "AE",
        person=True,
        aliases=("محمد عبد الرحمن المنصوري",),
    ),
    Seed("Dar Al Salam Import Export", "EG", "S.A.E.", ("دار السلام للاستيراد والتصدير",)),
    Seed("Yusuf Khalid Hussein", "IR", person=True, aliases=("يوسف خالد حسين",)),
    Seed("Pars Kaveh Industrial Group", "IR", "Co.", ("Kaveh Group",)),
    Seed("Hanseatische Maschinenbau Nord", "DE", "GmbH", ("HMN Nord",)),
    Seed("Müller Präzisionstechnik", "DE", "GmbH & Co. KG"),
    Seed("Société Lefèvre Transports Maritimes", "FR", "S.A.", ("Lefevre Maritime",)),
    Seed("Industrias Químicas del Pacífico", "EC", "S.A.", ("IQP Pacifico",)),
    Seed("Comercializadora Andina de Metales", "CO", "S.A.S."),
    Seed("Jorge Luis Castillo Mendoza", "CO", person=True, aliases=("El Ingeniero",)),
    Seed("Anadolu Kimya Sanayi", "TR", "A.Ş.", ("Anatolian Chemicals",)),
    Seed("Öztürk Dış Ticaret", "TR", "Ltd. Şti."),
    Seed("Hellenic Aegean Bunkering", "GR", "S.A.", ("Ελληνική Αιγαίο Ναυτιλιακή",)),
    Seed("Saigon Minh Long Logistics", "VN", "Joint Stock Company", ("Minh Long Logistics",)),
    Seed("Nguyen Van Thanh", "VN", person=True, aliases=("Nguyễn Văn Thành",)),
    Seed("Karachi Crescent Textiles", "PK", "(Pvt.) Ltd."),
    Seed("Shree Ganesh Exim", "IN", "Pvt. Ltd.", ("Ganesh Exports",)),
    Seed("Klang Pelabuhan Niaga", "MY", "Sdn. Bhd."),
    Seed("Surya Jaya Abadi", "ID", "PT"),
    Seed("Daesung Precision Industrial", "KR", "Co., Ltd.", ("대성정밀산업",)),
    Seed("Bluewater Marine Supply", "CA", "Inc.", ("BMS Marine",)),
    Seed("Lone Star Industrial Holdings", "US", "LLC"),
    Seed("Cascade Freight Forwarding", "US", "Corp."),
    Seed("Atlas Maghreb Distribution", "MA", "SARL"),
)

# Words used to make near misses: a word of the name swapped for one of these.
NEAR_MISS_WORDS: tuple[str, ...] = (
    "Textile",
    "Marine",
    "Global",
    "Pacific",
    "Union",
    "Orient",
    "Northern",
    "Electronics",
    "Steel",
    "Star",
    "Logistics",
    "Foods",
    "Hussain",
    "Petrov",
    "Wei",
    "Castro",
)
# Romanization families: one spelling of a name may be filed in another.
ROMANIZATIONS: tuple[tuple[str, ...], ...] = (
    ("Mohammed", "Muhammad", "Mohamed"),
    ("Yusuf", "Youssef", "Yousef"),
    ("Khalid", "Khaled"),
    ("Hussein", "Husain", "Hussain"),
    ("Abdul", "Abdel"),
    ("Sergei", "Sergey", "Serguei"),
    ("Dmitri", "Dmitriy", "Dmitry"),
    ("Zhang", "Chang"),
    ("Kuznetsov", "Kouznetsov"),
    ("Khaleej", "Khalij"),
    ("Al ", "El "),
    ("Nguyen", "Nguyễn"),
    ("Orlov", "Orloff"),
)
# Spellings of the same company forms, for suffix variants.
FORM_SPELLINGS: dict[str, tuple[str, ...]] = {
    "OOO": ("LLC", "ООО", "O.O.O."),
    "AO": ("JSC", "АО"),
    "Co., Ltd.": ("Co Ltd", "Company Limited", "CO.,LTD"),
    "LLC": ("L.L.C.", ""),
    "FZE": ("F.Z.E.", ""),
    "S.A.E.": ("SAE", ""),
    "Co.": ("Company", ""),
    "GmbH": ("G.m.b.H.", ""),
    "GmbH & Co. KG": ("GmbH & Co KG", "GmbH"),
    "S.A.": ("SA", ""),
    "S.A.S.": ("SAS", ""),
    "A.Ş.": ("A.S.", "Anonim Şirketi"),
    "Ltd. Şti.": ("Ltd. Sti.", "Limited Şirketi"),
    "Joint Stock Company": ("JSC", "J.S.C."),
    "(Pvt.) Ltd.": ("Private Limited", "Pvt Ltd"),
    "Pvt. Ltd.": ("Private Limited", "Pvt Ltd"),
    "Sdn. Bhd.": ("Sdn Bhd", "SDN. BHD."),
    "PT": ("P.T.", ""),
    "Inc.": ("Incorporated", "Inc"),
    "Corp.": ("Corporation", ""),
    "SARL": ("S.A.R.L.", ""),
}
