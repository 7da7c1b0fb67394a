import sys
sys.path.insert(0, "tests/compliance")
import pytest
from test_scenarios import CASES, _run, _explain

@pytest.mark.parametrize("cid", [i for i, _ in CASES if i.split("-")[0] in {"MN","HI","ID","MT","NCBTMB","AMTA"}])
def test_show(cid, engine, tmp_path):
    from ceatlas.kb import load_kb
    case = dict(CASES)[cid]
    st = _run(engine, load_kb(), tmp_path, case)
    print("\n==", cid, st.status, st.cycle_start, st.cycle_end)
    print(_explain(st))
    print("unknowns:", st.unknowns)
    print("notes:", st.notes)
