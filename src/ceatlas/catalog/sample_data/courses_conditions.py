"""Sample courses: a clinical series with one course per condition in the knowledge base."""

from __future__ import annotations

from ceatlas.catalog.sample_data.specs import CourseSpec


def clinical(
    slug: str,
    title: str,
    provider: str,
    conditions: tuple[str, ...],
    regions: tuple[str, ...],
    techniques: tuple[str, ...],
    hours: float = 8,
    price: int = 195,
    schedule: str = "P3 L2",
) -> CourseSpec:
    hands_on = any(t.startswith(("P", "D", "H")) for t in schedule.split())
    return CourseSpec(
        slug,
        title,
        provider,
        hours,
        price,
        techniques,
        conditions,
        regions,
        ("client-assessment", "pathology"),
        ("hands-on", "technique") if hands_on else ("technique",),
        ("Licensed massage therapist", "competency:anatomy"),
        schedule,
        hands_on=round(hours * 0.6) if hands_on else None,
    )


CTO = "compassionate-touch-oncology-education"
GC = "gulf-coast-school-of-massage"
GL = "great-lakes-orthopedic-massage-seminars"
HC = "hill-country-massage-academy"
HTP = "heartland-trigger-point-institute"
ESM = "empire-state-massage-institute"
DS = "desert-sky-myofascial-seminars"
SUM = "summit-bodywork-seminars"
PSM = "pacific-sports-massage-collective"
CMC = "capital-medical-massage-college"
LAKE = "lakeshore-health-integrative-medicine"
KTB = "keiko-tanaka-brooks-lmt"
APP = "appalachian-school-of-healing-arts"
SB = "sunbelt-massage-ce"
MR = "marisol-reyes-lmt"
CLI = "cascade-lymphatic-institute"
NP = "northern-pines-hospice-education"
NS = "northstar-ce-online"

# fmt: off
COURSES: tuple[CourseSpec, ...] = (
    clinical("clinical-sciatica", "Clinical Massage for Sciatica", GC, ("sciatica",),
             ("low back", "hip"), ("neuromuscular-therapy", "neurodynamic-mobilization"), 6, 165,
             "P3 L2"),
    clinical("clinical-piriformis", "Piriformis Syndrome: Assessment and Release", HC,
             ("piriformis-syndrome", "sciatica"), ("hip",), ("trigger-point-therapy",), 6, 175,
             "P3"),
    clinical("clinical-low-back", "Clinical Massage for Low Back Pain", SB, ("low-back-pain",),
             ("low back",), ("deep-tissue-massage", "muscle-energy-technique"), 8, 210, "P4 L2"),
    clinical("clinical-neck-pain", "Neck Pain: Clinical Massage Protocols", ESM, ("neck-pain",),
             ("neck",), ("trigger-point-therapy", "myofascial-release"), 8, 215, "P3 L2"),
    clinical("clinical-chronic-shoulder", "Chronic Shoulder Pain: Clinical Massage", GL,
             ("chronic-shoulder-pain",), ("shoulder",), ("orthopedic-massage",), 8, 225, "P3"),
    clinical("clinical-frozen-shoulder", "Frozen Shoulder: Gentle Mobilization", DS,
             ("frozen-shoulder", "limited-range-of-motion"), ("shoulder",),
             ("myofascial-release", "muscle-energy-technique"), 6, 170, "P3"),
    clinical("clinical-rotator-cuff", "Rotator Cuff Strain and Recovery", PSM,
             ("rotator-cuff-strain",), ("shoulder",), ("sports-massage", "cross-fiber-friction"),
             6, 175, "P3 L2"),
    clinical("clinical-tension-headache", "Massage for Tension Headache", HTP,
             ("tension-headache",), ("head", "neck"), ("trigger-point-therapy",), 4, 110,
             "P2 L2 S1"),
    clinical("clinical-migraine", "Migraine: What Massage Can and Cannot Do", NS, ("migraine",),
             ("head",), ("craniosacral-therapy", "swedish-massage"), 3, 49, "L3 S1"),
    clinical("clinical-tmj", "TMJ Dysfunction: Extraoral Techniques", ESM, ("tmj-dysfunction",),
             ("jaw", "head"), ("neuromuscular-therapy", "myofascial-release"), 8, 240, "P3"),
    clinical("clinical-carpal-tunnel", "Carpal Tunnel Syndrome and the Forearm", MR,
             ("carpal-tunnel-syndrome", "repetitive-strain-injury"), ("forearm", "hand"),
             ("neuromuscular-therapy", "neurodynamic-mobilization"), 6, 165, "P3"),
    clinical("clinical-tennis-elbow", "Tennis Elbow: Friction and Loading", GL,
             ("tennis-elbow",), ("elbow", "forearm"), ("cross-fiber-friction",), 4, 120, "P3"),
    clinical("clinical-plantar-fasciitis", "Plantar Fasciitis: Foot and Calf Protocols", SUM,
             ("plantar-fasciitis",), ("foot", "calf"),
             ("myofascial-release", "instrument-assisted-soft-tissue-mobilization"), 6, 160,
             "P3 L2"),
    clinical("clinical-fibromyalgia", "Fibromyalgia: Gentle Clinical Approaches", LAKE,
             ("fibromyalgia",), ("whole body",), ("swedish-massage", "myofascial-release"), 6,
             150, "D3 L2"),
    clinical("clinical-lymphedema-risk", "Lymphedema Risk Reduction for Massage Therapists", CLI,
             ("lymphedema",), ("upper limb", "lower limb"), ("manual-lymph-drainage",), 4, 95,
             "L3 S1"),
    clinical("clinical-post-mastectomy", "After Breast Cancer Surgery: Lymphedema and Cording",
             CTO, ("post-mastectomy-lymphedema", "cancer-survivorship"), ("chest", "axilla"),
             ("manual-lymph-drainage", "oncology-massage"), 6, 180, "P3 L2"),
    clinical("clinical-post-surgical-scar", "Post-Surgical Scar Tissue", MR,
             ("post-surgical-scar-tissue",), ("abdomen",), ("scar-tissue-mobilization",), 6, 165,
             "P3"),
    clinical("clinical-injury-scar", "Injury Scar Tissue and Adhesions", PSM,
             ("injury-scar-tissue",), (), ("scar-tissue-mobilization", "cross-fiber-friction"), 6,
             165, "P2"),
    clinical("clinical-whiplash", "Whiplash: Acute and Chronic Care", GL, ("whiplash",),
             ("neck",), ("positional-release", "orthopedic-massage"), 8, 210, "P3 L2"),
    clinical("clinical-thoracic-outlet", "Thoracic Outlet Syndrome", HTP,
             ("thoracic-outlet-syndrome",), ("neck", "chest"),
             ("neuromuscular-therapy", "neurodynamic-mobilization"), 6, 170, "P3"),
    clinical("clinical-scoliosis", "Massage for Scoliosis", DS, ("scoliosis",), ("spine",),
             ("myofascial-release", "structural-integration"), 8, 215, "P3"),
    clinical("clinical-postural-dysfunction", "Posture Assessment and Postural Dysfunction",
             SUM, ("postural-dysfunction",), ("whole body",), ("structural-integration",), 6,
             160, "P3 L2"),
    clinical("clinical-range-of-motion", "Restoring Range of Motion", PSM,
             ("limited-range-of-motion",), (),
             ("pnf-stretching", "active-isolated-stretching"), 6, 160, "P3"),
    clinical("clinical-active-treatment", "Massage During Chemotherapy and Radiation", CTO,
             ("oncology-active-treatment",), (), ("oncology-massage",), 6, 150, "L4 S1"),
    clinical("clinical-survivorship", "Cancer Survivorship: Long-Term Effects", CTO,
             ("cancer-survivorship",), (), ("oncology-massage",), 4, 95, "L3 P2"),
    clinical("clinical-cancer-fatigue", "Cancer-Related Fatigue and Gentle Touch", CTO,
             ("cancer-related-fatigue",), (), ("oncology-massage", "reflexology"), 3, 65, "L3"),
    clinical("clinical-anxiety-stress", "Massage for Anxiety and Stress", APP,
             ("anxiety-stress",), (), ("swedish-massage", "aromatherapy"), 4, 95, "P2 L2"),
    clinical("clinical-depression", "Touch and Depression: Evidence and Practice", NS,
             ("depression",), (), ("swedish-massage",), 3, 49, "S1 L2"),
    clinical("clinical-insomnia", "Massage and Sleep: Working with Insomnia", APP,
             ("insomnia",), (), ("shiatsu", "reflexology"), 4, 95, "P2 L2"),
    clinical("clinical-pregnancy", "High-Risk Pregnancy: When to Refer", KTB, ("pregnancy",),
             (), ("prenatal-massage",), 4, 90, "L3"),
    clinical("clinical-hospice", "Hospice Comfort Care at the Bedside", NP,
             ("hospice-comfort-care",), (), ("hospice-comfort-care",), 6, 140, "P3"),
    clinical("clinical-osteoarthritis", "Osteoarthritis: Massage for Stiff Joints", KTB,
             ("osteoarthritis",), ("knee", "hip"), ("swedish-massage", "hydrotherapy"), 6, 150,
             "P3"),
    clinical("clinical-it-band", "IT Band Syndrome in Runners", PSM, ("it-band-syndrome",),
             ("thigh",), ("sports-massage", "instrument-assisted-soft-tissue-mobilization"), 4,
             120, "P3"),
    clinical("clinical-ankle-sprain", "Ankle Sprain Recovery", SB, ("ankle-sprain",),
             ("ankle",), ("orthopedic-massage", "kinesiology-taping"), 4, 115, "P3"),
    clinical("clinical-hamstring-strain", "Hamstring Strain: Return to Sport", PSM,
             ("hamstring-strain",), ("thigh",), ("sports-massage", "pnf-stretching"), 4, 120,
             "P3"),
    clinical("clinical-shin-splints", "Shin Splints and Lower Leg Pain", SUM, ("shin-splints",),
             ("lower leg",), ("sports-massage", "kinesiology-taping"), 4, 115, "P3"),
    clinical("clinical-repetitive-strain", "Repetitive Strain Injuries of the Upper Limb", ESM,
             ("repetitive-strain-injury",), ("forearm", "wrist"), ("neuromuscular-therapy",), 6,
             155, "P2 L2"),
    clinical("clinical-multiple-sclerosis", "Massage for Multiple Sclerosis", LAKE,
             ("multiple-sclerosis",), (), ("swedish-massage", "pnf-stretching"), 4, 95, "L3 D2"),
    clinical("clinical-parkinsons", "Massage for Parkinson's Disease", LAKE,
             ("parkinsons-disease",), (), ("swedish-massage", "geriatric-massage"), 4, 95,
             "L3 D2"),
    clinical("clinical-stroke-recovery", "Stroke Recovery: Massage in Rehabilitation", CMC,
             ("stroke-recovery",), (), ("medical-massage", "pnf-stretching"), 6, 150, "D3 L2"),
    clinical("clinical-peripheral-neuropathy", "Peripheral Neuropathy and the Feet", APP,
             ("peripheral-neuropathy",), ("foot", "lower leg"), ("reflexology", "swedish-massage"),
             4, 95, "P2 L2"),
    clinical("clinical-knee-replacement", "Knee Replacement Rehabilitation", GL,
             ("knee-replacement-rehab",), ("knee",), ("orthopedic-massage",), 6, 160, "P3"),
    clinical("clinical-hip-replacement", "Hip Replacement Rehabilitation", CMC,
             ("hip-replacement-rehab",), ("hip",), ("orthopedic-massage", "medical-massage"), 6,
             160, "P3"),
)
# fmt: on
