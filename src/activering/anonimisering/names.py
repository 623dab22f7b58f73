"""Common Dutch first names and surnames, used to find names in free text.

These lists were written by hand for this course (no scraped data). They are deliberately modest:
they catch the names that occur most often in Dutch case notes; names near a title (mevrouw,
meneer, dhr., mw.) are caught by a separate rule whatever the name is.

Names that are also ordinary Dutch words (``Bos``, ``Jong``, ``Ben``, ``Wil``) are in
:data:`WORDLIKE`: they are only redacted when written with a capital letter, so that "het bos"
and "ik ben" survive while "Ben" and "De Jong" do not.
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = tuple(
    """
    Aaron Abdel Abdelkader Abdullah Adam Adriaan Ahmed Aisha Albert Ali Amber Amina Amir Anna Anne Annemarie
    Anouk Anton Arjen Arie Arnold Astrid Bart Bas Bea Ben Bernard Bert Bianca Bram Brenda Carla Carlos Caroline
    Chantal Chris Christiaan Cor Corrie Daan Dani Daniel Danielle David Demi Dennis Dewi Dirk Dominique Edwin
    Els Emma Erik Esther Eva Evelien Fatima Fatma Femke Fleur Floor Frank Frans Freek Gerard Gerrit Gert Gijs
    Hanneke Hans Hassan Hatice Hendrik Henk Herman Hilde Hugo Ibrahim Ilse Inge Ingrid Iris Jaap Jacob Jan
    Janneke Jannie Jasper Jeroen Jesse Johan Johannes Joost Jordy Joris Jos Jose Joyce Julia Karin Kees Kevin
    Kim Koen Laura Leo Lieke Linda Lisa Lotte Lucas Luuk Maaike Manon Marco Margriet Maria Marieke Marije Marloes
    Mark Marleen Martijn Martin Mehmet Michel Mila Miriam Mohamed Mohammed Mustafa Nadia Naima Nicole Niels
    Nina Noah Noor Nora Patrick Paul Peter Petra Piet Pieter Priscilla Rachid Ramon Remco Rik Rina Rob Robert
    Robin Roel Ronald Roos Ruben Rutger Sander Sandra Sanne Sara Saskia Sem Sevda Silvia Sjaak Sophie Stefan
    Stijn Suzanne Teun Thijs Thomas Tim Tineke Tom Ton Tonnie Vincent Wendy Wil Willem Wim Yasmina Yusuf
    Youssef Zeynep
    André Chloë José Renée René Zoë Özlem
    """.split()
)

SURNAMES: tuple[str, ...] = tuple(
    """
    Aalbers Aarts Bakker Beek Bos Bosch Boer Boersma Bouma Brink Brouwer Bruijn Dam Dekker Dijk Dijkstra Driessen
    Evers Graaf Groen Haan Hendriks Hermans Hoekstra Hofman Huisman Jacobs Jansen Janssen Jong Jonker Kok Koning
    Kramer Kuipers Laan Leeuwen Linden Maas Meijer Meyer Molenaar Mulder Peters Peeters Post Prins Sanders Schouten
    Smit Smits Timmermans Veenstra Verbeek Verhoeven Vermeulen Visser Vos Vries Wal Willems Wijk Wit Yilmaz
    Bennani Bouzid Kaya Demir Şahin Çelik Öztürk Aydın Amrani Tahiri Ouali
    """.split()
)

# Names that are also common Dutch words: redacted only when capitalised (or in capitals).
WORDLIKE: frozenset[str] = frozenset(
    """
    Ben Wil Mark Roos Els Fleur Floor Ton Rob Kim Noor Jan Bas Dam Laan Wal Post Bos Jong Wit Kok Boer Brink
    Groen Koning Beek Dijk Haan Vos Maas Prins Smit Linden Leeuwen Bosch
    """.split()
)

# Words that join the parts of a Dutch surname (van der Berg, in 't Veld).
TUSSENVOEGSELS: tuple[str, ...] = (
    "van der",
    "van den",
    "van de",
    "van het",
    "van 't",
    "in 't",
    "in het",
    "op de",
    "op den",
    "uit den",
    "van",
    "de",
    "der",
    "den",
    "ter",
    "ten",
    "te",
    "het",
    "'t",
    "la",
    "le",
    "du",
    "d'",
)

# Titles and forms of address after which a capitalised word is taken to be a name.
TITLES: tuple[str, ...] = (
    "mevrouw",
    "mevr.",
    "mevr",
    "mw.",
    "mw",
    "meneer",
    "mijnheer",
    "mnr.",
    "dhr.",
    "dhr",
    "de heer",
    "mr.",
    "dr.",
    "drs.",
    "ir.",
    "ing.",
)


def all_names() -> tuple[str, ...]:
    """Every listed first name and surname, longest first, without duplicates."""
    unique = dict.fromkeys((*FIRST_NAMES, *SURNAMES))
    return tuple(sorted(unique, key=lambda name: (-len(name), name)))


# Dutch words that are also first names or surnames. A name from the export that is also one of these
# words is only taken for a name where the text makes that clear (a capital inside a sentence, a title
# or a kinship word before it, another name next to it); "het bos" and "hij is visser" stay.
# NOUN_WORDS need an article when they are used as a word, so a bare capitalised one at the start of a
# sentence ("Bos belde") is a name; OTHER_WORDS (verbs, adjectives, function words) are not.
NOUN_WORDS: frozenset[str] = frozenset(
    """
    bos visser koster bakker smit smid mulder boer roos kok koning brink dam laan wal beek dijk haan vos
    maas prins bosch berg hoek veen veld brug kamp hof horst kuiper schipper molenaar timmerman schilder
    kramer jager schaap vink haas wolf meester koopman boom bloem steen zand zee water brand lam stam blok
    bruin kruis kerk toren poort muur put sluis plas meer haven hout heide akker weide wei tuin hek kapel
    molen schuur stal stoep straat kade markt winkel bank school ster zon maan storm vogel mus kraai valk
    arend zwaan eend duif uil raaf spreeuw merel lijster specht hert ree beer leeuw stier bok geit paard
    koe kalf kat hond vis snoek baars karper paling zalm haring appel peer kers pruim druif linde eik beuk
    els wilg berk den spar hazelaar riet gras klaver lelie tulp iris jasmijn hyacint dahlia violet hoop
    vrede geluk zegen vreugde trouw deugd eer dank glorie parel robijn jade diamant goud zilver koper ijzer
    lood tin staal smidse bouwer metselaar voerman wagenaar schepper herder schaapherder boerman visscher
    kuipers bakkers hoogland laagland dekker decker wever spinner verver snijder kleermaker schoenmaker
    slager brouwer stoker mole kroon ridder graaf hertog keizer paus bisschop abt deken koster pastoor
    dominee paap monnik kluizenaar pelgrim soldaat kapitein admiraal generaal majoor sergeant korporaal
    schout baljuw drost schepen burgemeester rentmeester tollenaar poortier wachter smal pad weg dreef
    baan ring erf hoeve hofstede kasteel burcht slot dorp stad land veer pont boot schip kiel mast zeil
    anker roer vlag vaan wimpel wapen schild zwaard speer pijl boog zadel wiel kar wagen koets slee schaats
    ijs sneeuw hagel regen wind wolk mist dauw vorst zomer winter lente herfst mei juni juli augustus
    april maart januari december november oktober september februari dag nacht avond morgen week jaar
    job bas mark jan fleur ton rob sterre
    """.split()
)

OTHER_WORDS: frozenset[str] = frozenset(
    """
    jong groen wit zwart groot klein lang kort rood blauw geel grijs licht donker oud nieuw vroeg laat
    goed kwaad blij vrolijk stil snel traag zoet zuur wijs dapper vroom rijk arm sterk zwak hoog laag
    breed smalle schoon vuil vrij wild tam zacht hard warm koud droog nat vast los rond recht scheef
    klaar gaaf fijn mooi lief aardig braaf deugdelijk eerlijk trouw moedig fier
    wil ben kan mag zal moet had was werd bleef ging kwam zat stond lag liep bel belt belde zie ziet
    heb heeft hebben doe doet deed kom komt ga gaat sta staat zit ligt loop loopt werk werkt werken
    wel niet nog al ook toch dus maar want omdat als dan toen nu hier daar waar wie wat hoe zo heel
    erg zeer meer minder veel weinig alle alles niets iets iemand niemand elk ieder
    een het de der den des van voor na naar met zonder bij om op in uit aan tot tegen over onder boven
    door langs tussen achter naast binnen buiten rond sinds vanaf tijdens
    ik jij je hij zij ze wij we jullie u mij me hem haar ons hun mijn jouw zijn onze uw
    en of maar noch want dus
    man vrouw kind zoon dochter vader moeder broer zus oom tante opa oma neef nicht
    hallo dag ja nee oke post
    """.split()
)

# Words before a name that show it is one: titles, forms of address, kinship and work relations.
NAME_CONTEXT_WORDS: frozenset[str] = frozenset(
    """
    mevrouw mevr mw meneer mijnheer mnr dhr heer mr dr drs ir ing prof juffrouw mej
    collega partner echtgenoot echtgenote vriend vriendin zoon dochter broer zus zuster vader moeder
    oom tante opa oma neef nicht kleinzoon kleindochter schoonzoon schoondochter stiefzoon stiefdochter
    zoontje dochtertje buurman buurvrouw contactpersoon leidinggevende werkgever jobcoach klantmanager
    consulent begeleider mentor trajectbegeleider casemanager huisarts bewindvoerder
    """.split()
)

# Words that deduce sometimes takes into a person's name but that never are one in a contact note
# ("Volgens Mulder", "Klant Youssef Tahiri", "spreekt goed Engels"): trimmed off a found name.
NOT_NAME_WORDS: frozenset[str] = frozenset(
    """
    klant client cliënt volgens via met bij voor na naar door over gesprek contact afspraak werk inkomen
    vandaag gisteren morgen maandag dinsdag woensdag donderdag vrijdag zaterdag zondag telefonisch
    gebeld belde belt mail gemaild brief ook en of maar dat die dit deze het een wel niet nog
    engels nederlands duits arabisch turks pools spaans berbers somalisch papiaments tigrinya koerdisch
    russisch oekraïens portugees italiaans chinees
    werkgever jobcoach trajectbegeleider klantmanager consulent wijkteam gemeente afdeling team
    """.split()
)

# Capitalised words inside a sentence that are no person: languages, nationalities, months and days,
# and the institutions and terms of Dutch social security that contact notes name all the time.
# Any other capitalised word inside a sentence is taken for a name (Dutch writes common nouns in
# lower case), see :func:`activering.anonimisering.freetext.proper_noun_spans`.
NOT_A_PERSON: frozenset[str] = frozenset(
    """
    nederlands engels duits frans arabisch turks pools spaans berbers somalisch papiaments tigrinya
    koerdisch russisch oekraiens portugees italiaans chinees farsi dari pashtoe eritrees syrisch
    nederlandse engelse duitse franse marokkaanse turkse poolse surinaamse antilliaanse syrische eritrese
    somalische afghaanse iraakse iraanse oekraiense bulgaarse roemeense kaapverdiaanse ghanese
    nederlander marokkaan turk pool surinamer antilliaan syrier eritreeer somaliër
    januari februari maart april mei juni juli augustus september oktober november december
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
    kerst pasen pinksteren ramadan suikerfeest offerfeest koningsdag nieuwjaar
    gemeente participatiewet wwb wet ziektewet wajong wia wao ww aow bijstand toeslagen belastingdienst
    werkplein werkbedrijf werkgeversservicepunt wsp sociaal wijkteam wmo jeugdwet schuldhulpverlening
    voedselbank kredietbank leger heils rode kruis ggd ggz huisarts ziekenhuis
    uwv svb cak duo cjib rdw kvk ind coa nt2 mbo hbo wo roc vmbo havo vwo praktijkonderwijs
    ik hij zij wij u je we ze het de een
    """.split()
)
