"""The rules by which the live set tells one window's reps from another's (analysis.live_reps)."""

from hipcoach.analysis.live_reps import crosses, overlap, rep_span, same_rep


def _rep(start: float, peak: float, end: float) -> dict:
    return {"start_s": start, "peak_s": peak, "end_s": end}


def test_two_windows_see_the_same_rep_when_it_began_and_peaked_at_the_same_frames():
    assert same_rep(_rep(1.0, 1.8, 2.6), _rep(1.001, 1.801, 2.9))  # its end may still move
    assert not same_rep(_rep(1.0, 1.8, 2.6), _rep(1.0, 1.9, 2.6))


def test_reps_are_one_movement_when_they_share_more_than_half_of_the_shorter():
    assert overlap(rep_span(_rep(1.0, 2.0, 3.0)), (1.9, 3.5))
    assert not overlap((1.0, 3.0), (2.1, 4.0))
    assert not overlap((1.0, 2.0), (2.0, 3.0))  # back to back: two reps


def test_a_rep_read_across_two_others_is_not_one_of_its_own():
    first, second = _rep(0.0, 1.0, 2.0), _rep(2.0, 3.0, 4.0)
    straddling = _rep(1.0, 2.0, 3.0)  # from the top of one to the top of the next
    reps = [first, straddling, second]
    assert crosses(straddling, reps)
    assert not crosses(first, reps) and not crosses(second, reps)
