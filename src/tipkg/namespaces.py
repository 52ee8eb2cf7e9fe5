"""Every IRI the code uses, in one place (the ``tipkg:`` terms in the generated :mod:`tipkg.vocab`)."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, QB, RDF, RDFS, SKOS, VOID, XSD

from tipkg.vocab import TIPKG

CONCEPT = Namespace("https://w3id.org/tipkg/concept/")
ONTOLOGY_IRI = "https://w3id.org/tipkg/ontology"
SHAPES_IRI = "https://w3id.org/tipkg/shapes"  # the ontology of ontology/shapes.ttl
DEFAULT_BASE = "https://w3id.org/tipkg/id/"

SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
CV = Namespace("http://data.europa.eu/m8g/")
OA = Namespace("http://www.w3.org/ns/oa#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
TIME = Namespace("http://www.w3.org/2006/time#")
PPLAN = Namespace("http://purl.org/net/p-plan#")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")  # W3C's IRIs of the RDF and results formats
WIKIDATA = URIRef("http://www.wikidata.org/")  # Wikidata as a dataset: the objects target of the links
# SHACL shapes of ontology/shapes.ttl; SHAPES.sourceText carries a source's text during validation
SHAPES = Namespace("https://w3id.org/tipkg/shapes#")

PREFIXES: dict[str, str] = {
    "tipkg": str(TIPKG),
    "concept": str(CONCEPT),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "schema": str(SCHEMA),
    "org": str(ORG),
    "eli": str(ELI),
    "cv": str(CV),
    "prov": str(PROV),
    "oa": str(OA),
    "qb": str(QB),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-measure": str(SDMX_MEASURE),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "time": str(TIME),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "void": str(VOID),
    "sd": str(SD),
    "p-plan": str(PPLAN),
    "wd": str(WD),
    "wdt": str(WDT),
}


class Graphs:
    """Named-graph IRIs of a build, under a data base IRI."""

    # graph names that are not sources (a source id cannot take them)
    RESERVED = frozenset({"ontology", "links", "curation", "comparisons", "inferred", "void", "labels"})

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base

    def source(self, source_id: str) -> str:
        return f"{self.base}graph/{source_id}"

    @property
    def ontology(self) -> str:
        return f"{self.base}graph/ontology"

    @property
    def links(self) -> str:
        return f"{self.base}graph/links"

    @property
    def curation(self) -> str:
        """Curators' notes: the project's voice, not a source's."""
        return f"{self.base}graph/curation"

    @property
    def comparisons(self) -> str:
        """What the build found comparing the sources: measures and the values on which they differ."""
        return f"{self.base}graph/comparisons"

    @property
    def labels(self) -> str:
        """The labels the build makes for nodes without a name of their own (:mod:`tipkg.build.labels`)."""
        return f"{self.base}graph/labels"

    @property
    def inferred(self) -> str:
        return f"{self.base}graph/inferred"

    @property
    def void(self) -> str:
        """The dataset's VoID description (:mod:`tipkg.build.description`): in the store, not in the default graph."""
        return f"{self.base}graph/void"

    @property
    def dataset(self) -> str:
        return f"{self.base}dataset"
