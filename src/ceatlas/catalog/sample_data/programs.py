"""Sample programs: ordered course sequences with requirement groups."""

from __future__ import annotations

from ceatlas.catalog.sample_data.specs import GroupSpec as G
from ceatlas.catalog.sample_data.specs import ProgramSpec as P

# fmt: off
PROGRAMS: tuple[P, ...] = (
    P("advanced-professional-massage-therapy", "Advanced Professional Massage Therapy",
      "capital-medical-massage-college", 150,
      "Certificate in Advanced Professional Massage Therapy",
      (G("Core sciences", ("anatomy-review", "physiology-for-massage", "pathology-for-massage")),
       G("Required techniques", ("mld-basic", "mfr-1", "trigger-point-1")),
       G("Clinical techniques: any 2 of",
         ("nmt-upper", "orthopedic-assessment", "mld-clinical", "mfr-2", "trigger-point-2",
          "scar-tissue-mobilization"), choose=2),
       G("Professional practice",
         ("clinical-documentation-soap", "infection-control", "ethics-six-hour"))),
      "Anatomy, physiology and pathology, then manual lymph drainage, myofascial release "
      "and trigger point therapy, two clinical electives and professional practice."),
    P("medical-massage-certificate", "Medical Massage Certificate",
      "capital-medical-massage-college", 100, "Medical Massage Certificate",
      (G("Foundations", ("pathology-for-massage", "pharmacology-basics",
                         "clinical-documentation-soap", "working-in-medical-setting")),
       G("Clinical skills", ("medical-massage-intro", "orthopedic-assessment")),
       G("Specialty: any 1 of",
         ("joint-replacement-rehab", "neurological-conditions", "injury-rehabilitation"),
         choose=1)),
      "Pathology, documentation and assessment for therapists who work with physicians."),
    P("oncology-lymphatic-care-pathway", "Oncology & Lymphatic Care Pathway",
      "compassionate-touch-oncology-education", 220, "Oncology & Lymphatic Care Certificate",
      (G("Oncology foundations", ("oncology-foundations", "oncology-survivorship",
                                  "post-mastectomy-care")),
       G("Lymphatic care", ("lymphatic-system-online", "mld-basic")),
       G("Advanced: any 1 of", ("cdt-lymphedema-certification", "mld-clinical",
                                "oncology-hospital-infusion"), choose=1)),
      "From oncology-massage foundations to lymphedema care."),
    P("hospital-based-massage-program", "Hospital-Based Massage Program",
      "bayside-medical-center-integrative-education", 80,
      "Certificate in Hospital-Based Massage",
      (G("Safety and privacy", ("infection-control", "communicable-disease-practice",
                                "hipaa-for-massage")),
       G("Clinical preparation", ("pathology-for-massage", "interdisciplinary-communication",
                                  "hospital-based-massage")),
       G("Clinical rotation: any 1 of", ("acute-care-rotation", "oncology-hospital-infusion",
                                         "hospice-comfort-care"), choose=1)),
      "Preparation for massage on hospital units, ending in a supervised rotation."),
)
# fmt: on
