"""Which web hosts may back a clinical fact (conditions, techniques, their cautions).

A clinical source must come from a host on :data:`ALLOWED` (public health bodies,
peer-reviewed literature, professional bodies, standards for massage), each with the
reason it is trusted. :data:`DENIED` lists hosts seen in earlier data and why they do not
qualify (diagnosis-code aggregators, businesses' blogs, study-sharing sites, staging
hosts). A host on neither list is unreviewed: ``ceatlas kb check`` reports it until it
is reviewed and added to one of them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

ALLOWED: dict[str, str] = {
    "nih.gov": "US National Institutes of Health (NCCIH, NCI, NLM, MedlinePlus, PubMed, PMC)",
    "cancer.gov": "National Cancer Institute",
    "cancer.org": "American Cancer Society",
    "cdc.gov": "US Centers for Disease Control and Prevention",
    "medlineplus.gov": "US National Library of Medicine consumer health information",
    "fda.gov": "US Food and Drug Administration",
    "ahrq.gov": "US Agency for Healthcare Research and Quality",
    "va.gov": "US Department of Veterans Affairs clinical guidance",
    "who.int": "World Health Organization",
    "nhs.uk": "UK National Health Service",
    "nice.org.uk": "UK National Institute for Health and Care Excellence guidelines",
    "lymphnet.org": "National Lymphedema Network",
    "cochranelibrary.com": "Cochrane systematic reviews",
    "doi.org": "Digital object identifiers of published papers",
    "link.springer.com": "Springer peer-reviewed journals",
    "sciencedirect.com": "Elsevier peer-reviewed journals",
    "onlinelibrary.wiley.com": "Wiley peer-reviewed journals",
    "journals.lww.com": "Wolters Kluwer peer-reviewed journals",
    "bmj.com": "BMJ peer-reviewed journals",
    "thelancet.com": "The Lancet",
    "jamanetwork.com": "JAMA Network journals",
    "mdpi.com": "MDPI peer-reviewed open-access journals (PubMed-indexed titles)",
    "frontiersin.org": "Frontiers peer-reviewed journals",
    "ijtmb.org": "International Journal of Therapeutic Massage & Bodywork (PubMed Central)",
    "jospt.org": "Journal of Orthopaedic & Sports Physical Therapy",
    "amtamassage.org": "American Massage Therapy Association",
    "abmp.com": "Associated Bodywork & Massage Professionals",
    "ncbtmb.org": "National Certification Board for Therapeutic Massage & Bodywork",
    "fsmtb.org": "Federation of State Massage Therapy Boards",
    "s4om.org": "Society for Oncology Massage",
    "massagetherapyfoundation.org": "Massage Therapy Foundation (research)",
    "aaos.org": "American Academy of Orthopaedic Surgeons (OrthoInfo)",
    "orthoguidelines.org": "AAOS clinical practice guidelines",
    "apta.org": "American Physical Therapy Association",
    "choosept.com": "American Physical Therapy Association consumer pages",
    "acog.org": "American College of Obstetricians and Gynecologists",
    "heart.org": "American Heart Association",
    "stroke.org": "American Stroke Association",
    "nationalmssociety.org": "National Multiple Sclerosis Society",
    "bonehealthandosteoporosis.org": "Bone Health & Osteoporosis Foundation",
    "arthritis.org": "Arthritis Foundation",
    "rheumatology.org": "American College of Rheumatology",
    "parkinson.org": "Parkinson's Foundation",
    "alz.org": "Alzheimer's Association",
    "americanmigrainefoundation.org": "American Migraine Foundation",
    "clevelandclinic.org": "Cleveland Clinic (academic medical centre)",
    "mayoclinic.org": "Mayo Clinic (academic medical centre)",
    "hopkinsmedicine.org": "Johns Hopkins Medicine (academic medical centre)",
    "mskcc.org": "Memorial Sloan Kettering Cancer Center",
    "mdanderson.org": "MD Anderson Cancer Center",
    "clinicaltrials.gov": "US registry of clinical trials",
    "physio-pedia.com": "Physiopedia (physiotherapist-edited, referenced clinical wiki)",
    "nortonschool.com": "Norton School of Lymphatic Therapy (lymphedema therapist training)",
    "klosetraining.com": "Klose Training (lymphedema therapist training)",
    "cbmtpt.org": "Certification Board for Myofascial Trigger Point Therapists",
    "icd10data.com": "ICD-10-CM code browser (codes only, never clinical claims)",
    "pubmed.gov": "PubMed (US National Library of Medicine)",
    "cochrane.org": "Cochrane plain-language summaries of its reviews",
    "biomedcentral.com": "BMC peer-reviewed journals (Springer Nature)",
    "springermedicine.com": "Springer Nature journal articles",
    "hindawi.com": "Hindawi (Wiley) peer-reviewed journals",
    "minervamedica.it": "Minerva Medica journals (PubMed-indexed)",
    "e-arm.org": "Annals of Rehabilitation Medicine (PubMed-indexed journal)",
    "mayoclinic.com": "Mayo Clinic (academic medical centre, older domain)",
    "hopkinsallchildrens.org": "Johns Hopkins All Children's Hospital",
    "hawaii.edu": "University of Hawaii",
    "leg.wa.gov": "Washington State Legislature (statutes, for scope-of-practice notes)",
    "journals.plos.org": "PLOS peer-reviewed journals",
    "nzma.org.nz": "New Zealand Medical Journal",
    "cmaj.ca": "Canadian Medical Association Journal",
    "jhandtherapy.org": "Journal of Hand Therapy (PubMed-indexed)",
    "e-jer.org": "Journal of Exercise Rehabilitation (PubMed-indexed)",
    "umn.edu": "University of Minnesota",
    "uthscsa.edu": "UT Health San Antonio (academic medical centre)",
    "oncolink.org": "OncoLink (Penn Medicine)",
    "intermountainhealthcare.org": "Intermountain Health (health system clinical pages)",
    "nhsinform.scot": "NHS Scotland",
    "nidirect.gov.uk": "Northern Ireland government health pages",
    "massageandbodyworkdigital.com": "ABMP's journal Massage & Bodywork (digital edition)",
    "acpjournals.org": "Annals of Internal Medicine (American College of Physicians)",
    "amegroups.org": "AME peer-reviewed journals (PubMed-indexed titles)",
    "jnccn.org": "Journal of the National Comprehensive Cancer Network",
    "nature.com": "Nature Portfolio journals",
    "ons.org": "Oncology Nursing Society",
    "versusarthritis.org": "Versus Arthritis (UK arthritis research charity)",
    "hse.ie": "Ireland's Health Service Executive",
    "kngf.nl": "Royal Dutch Society for Physical Therapy (clinical guidelines)",
    "rcog.org.uk": "Royal College of Obstetricians and Gynaecologists",
    "tandfonline.com": "Taylor & Francis peer-reviewed journals",
    "actaorthop.org": "Acta Orthopaedica (PubMed-indexed journal)",
    "springer.com": "Springer Nature journals",
    "lhsc.on.ca": "London Health Sciences Centre (academic hospital)",
    "sum.edu.pl": "Annales Academiae Medicae Silesiensis (Medical University of Silesia journal)",
    "cms.gov": "US Centers for Medicare & Medicaid Services (ICD-10-CM files)",
}

DENIED: dict[str, str] = {
    "diseasedb.com": "diagnosis-code aggregator",
    "icdlist.com": "diagnosis-code aggregator",
    "icd10coded.com": "diagnosis-code aggregator",
    "icd.codes": "diagnosis-code aggregator",
    "medmio.com": "diagnosis-code aggregator",
    "billingncoding.com": "medical-billing blog",
    "studyres.com": "study-sharing site (uploaded documents of unknown origin)",
    "studylib.net": "study-sharing site (uploaded documents of unknown origin)",
    "info.5y1.org": "document aggregator",
    "careerswiki.com": "content farm",
    "biologyinsights.com": "content farm",
    "educise.com": "content farm",
    "withpower.com": "clinical-trial marketing site",
    "legalclarity.org": "content farm",
    "massageschoolnotes.com": "school-marketing blog",
    "massagemag.com": "trade magazine, not a clinical source",
    "massagetoday.com": "trade magazine, not a clinical source",
    "solitudemassage.com": "a spa's blog",
    "natureofbodymassage.com": "a spa's blog",
    "massaganista.com": "a practitioner's blog",
    "massageden.com": "a practitioner's blog",
    "nordichousespa.com": "a spa's blog",
    "joyfulrisingspa.com": "a spa's blog",
    "coultermassage.com": "a practice's blog",
    "ymassages.co.nz": "a practice's blog",
    "firmrelievemassage.com.au": "a practice's blog",
    "wholebodyhealinglv.com": "a practice's blog",
    "massagebyjeremy.com": "a practice's blog",
    "earthmothernaturalhealth.com": "a practice's blog",
    "yourhealthwellnesscentre.com": "a practice's blog",
    "nirvanahealth.co.uk": "a practice's blog",
    "massagetherapy.com": "practice directory pages",
    "alphamedicalmassage.com": "a practice's blog",
    "cmbw.biz": "a practice's service glossary",
    "allergyandpainsolutions.com": "a clinic's copy of a government page (use the original)",
    "polariswushu.net": "a martial-arts school's page",
    "forcesofnature.ca": "a practice's blog",
    "dkrainwater.wordpress.com": "a personal blog",
    "welly.it.com": "content farm",
    "mirahealth.care": "a clinic's marketing page",
    "csmc.life": "a practice's page",
    "physicaltherapywyoming.com": "a clinic's marketing page",
    "innovationshealth.ca": "a clinic's marketing page",
    "amarahospicemi.com": "a hospice's marketing page",
    "ecumen.org": "a care provider's marketing page",
    "panix.com": "a personal web page",
    "integrativetherapies.net": "a practice's page",
    "ahmyofascialrelease.com": "a practice's page",
    "ltstherapy.com": "a clinic's page",
    "cookhospital.org": "a hospital's job page",
    "rmtedu.com": "a CE vendor's page",
    "massagetherapymastery.com": "a CE vendor's blog",
    "massagetherapycanada.com": "trade magazine, not a clinical source",
    "elitelearning.com": "a CE vendor's page",
    "humankinetics.me": "a publisher's blog",
    "healthyliving.azcentral.com": "newspaper lifestyle content",
    "mtasa.co.za": "an association page with no clinical standing",
    "mtans.in1touch.org": "an association page with no clinical standing",
    "somatics.de": "a practitioner's page",
    "sportsinjuryclinic.net": "a clinic's content site",
    "aist-victories.org": "an unverified organisation's page",
    "orbdoc.com": "diagnosis-code aggregator",
    "researchgate.net": "author uploads; cite the journal (DOI or PubMed) instead",
    "ouci.dntb.gov.ua": "citation index mirror; cite the journal instead",
    "miami.pure.elsevier.com": "institutional repository record; cite the journal instead",
    "ijaseat.iraj.in": "journal of unknown indexing",
    "brieflands.com": "publisher of uneven indexing; cite a PubMed record instead",
    "painscience.com": "a writer's site (referenced, but not a clinical body)",
    "psychiatrist.com": "publisher page; cite the PubMed record instead",
    "academyofclinicalmassage.com": "a CE vendor's page",
    "massagetherapy.com.au": "a practice's page",
    "hilarispublisher.com": "publisher of uneven standing; cite a PubMed record instead",
}

#: hosts of staging, development or file-sharing services, never a publication
_NOT_PUBLISHED = ("dev.", "stage.", "staging.", "test.", "preview.")
_FILE_HOSTS = ("cld.bz", "wordpress.com", "blogspot.com", "wixsite.com", "netlify.app")


def _match(host: str, table: dict[str, str]) -> str | None:
    for known, reason in table.items():
        if host == known or host.endswith("." + known):
            return reason
    return None


def host_problem(url: str) -> str | None:
    """Why ``url`` cannot back a clinical fact, or ``None`` when its host is allowed."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host:
        return "the address has no host"
    if host.startswith(_NOT_PUBLISHED) or any(host.endswith(f) for f in _FILE_HOSTS):
        return f"{host} is a staging, development or file-sharing host"
    denied = _match(host, DENIED)
    if denied:
        return f"{host} is not a clinical source ({denied})"
    if _match(host, ALLOWED):
        return None
    return (
        f"{host} is not a reviewed clinical source: cite a public health body, a "
        "peer-reviewed paper or a professional body (kb/source_policy.py lists them)"
    )
