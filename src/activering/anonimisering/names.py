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
    "van der", "van den", "van de", "van het", "van 't", "in 't", "in het", "op de", "op den", "uit den",
    "van", "de", "der", "den", "ter", "ten", "te", "het", "'t", "la", "le", "du", "d'",
)

# Titles and forms of address after which a capitalised word is taken to be a name.
TITLES: tuple[str, ...] = (
    "mevrouw", "mevr.", "mevr", "mw.", "mw", "meneer", "mijnheer", "mnr.", "dhr.", "dhr", "de heer",
    "mr.", "dr.", "drs.", "ir.", "ing.",
)


def all_names() -> tuple[str, ...]:
    """Every listed first name and surname, longest first, without duplicates."""
    unique = dict.fromkeys((*FIRST_NAMES, *SURNAMES))
    return tuple(sorted(unique, key=lambda name: (-len(name), name)))
