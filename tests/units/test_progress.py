import io

from motcua.progress import ProgressBar, progress


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_render_shows_label_bar_counts_and_percent():
    bar = ProgressBar(3321, "Ghi", io.StringIO(), width=10)
    bar.done = 1234
    assert bar.render() == "Ghi  [###.......]  1234/3321  37%"


def test_not_a_tty_writes_a_plain_line_per_tenth_and_one_at_the_end():
    out = io.StringIO()
    with progress(100, "Nhập", stream=out) as bar:
        for _ in range(100):
            bar.advance()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert [line.rsplit(" ", 1)[-1] for line in lines] == [f"{p}%" for p in range(10, 101, 10)]
    assert lines[-1].endswith("100/100  100%")


def test_not_a_tty_big_steps_skip_lines_rather_than_repeat_them():
    out = io.StringIO()
    with progress(10, "Nhập", stream=out) as bar:
        bar.advance(5)
        bar.advance(5)
    assert out.getvalue().splitlines() == [
        "Nhập  [##########..........]  5/10  50%",
        "Nhập  [####################]  10/10  100%",
    ]


def test_tty_redraws_in_place_at_most_ten_times_a_second():
    out, clock = FakeTTY(), Clock()
    with progress(1000, "Ghi", stream=out, clock=clock) as bar:
        for i in range(1000):
            clock.now = i * 0.001  # 1000 steps in one second
            bar.advance()
    text = out.getvalue()
    draws = text.count("\r")
    assert 2 <= draws <= 12  # ~10 while running plus the final state
    assert text.endswith("1000/1000  100%\x1b[K\n")


def test_empty_job_reports_done():
    out = io.StringIO()
    with progress(0, "Không có gì", stream=out):
        pass
    assert out.getvalue() == "Không có gì  [####################]  0/0  100%\n"


def test_disabled_writes_nothing():
    out = io.StringIO()
    with progress(5, "x", stream=out, enabled=False) as bar:
        bar.advance(5)
    assert out.getvalue() == ""


def test_final_state_is_written_even_when_the_block_fails():
    out = io.StringIO()
    try:
        with progress(4, "x", stream=out) as bar:
            bar.advance(1)
            raise RuntimeError
    except RuntimeError:
        pass
    assert out.getvalue().endswith("1/4  25%\n")


def test_unwraps_djangos_output_wrapper():
    from django.core.management.base import OutputWrapper

    raw = io.StringIO()
    with progress(2, "x", stream=OutputWrapper(raw)) as bar:
        bar.advance(2)
    assert raw.getvalue() == "x  [####################]  2/2  100%\n"
