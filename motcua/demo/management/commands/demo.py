"""``motcua demo``: one command from a fresh clone to a working system on http://127.0.0.1:8000.

Migrates the embedded SQLite database, imports the real administrative units, day swaps and
procedure catalogue shipped in ``motcua/data``, creates service centres and demo officers, replays a
few months of dossiers through the real services, prints the logins, and serves.
"""

import os
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from motcua.demo.scans import counter_scanner
from motcua.dossiers.demo_data import (
    DEMO_PASSWORD,
    demo_day_count,
    ensure_demo_users,
    generate_history,
)
from motcua.dossiers.models import Dossier
from motcua.dvcqg.services import push_due, track_untracked_dossiers
from motcua.insights import demo as insights_demo
from motcua.petitions import demo as petitions_demo
from motcua.progress import progress
from motcua.queueing import demo as queue_demo
from motcua.residents.demo_data import (
    DEMO_ID_NUMBER,
    DEMO_PHONE,
    ensure_demo_resident,
    ensure_volunteers,
)


class Command(BaseCommand):
    help = "Set up the demo (SQLite, real units, demo officers, months of dossiers) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address to serve on.")
        parser.add_argument("--no-serve", action="store_true", help="Prepare the data only.")
        parser.add_argument("--days", type=int, default=90, help="Days of history to generate.")
        parser.add_argument("--per-day", type=int, default=9, help="Dossiers per commune per day.")

    def handle(self, *args, addr, no_serve, days, per_day, **options):
        started = time.monotonic()
        self.step("Tạo/cập nhật cơ sở dữ liệu (migrate)")
        call_command("migrate", interactive=False, verbosity=0)
        self.step("Nhập đơn vị hành chính, ngày nghỉ bù, danh mục thủ tục")
        call_command("import_units", verbosity=0)
        call_command("import_day_overrides", verbosity=0)
        call_command("import_procedures", verbosity=0)
        call_command("create_service_centers", demo_contacts=True, verbosity=0)
        self.step("Tạo tài khoản cán bộ, tổ công nghệ số và công dân mẫu")
        users = ensure_demo_users() + petitions_demo.ensure_hotline_operator() + ensure_volunteers()
        if not Dossier.objects.exists():
            self.step(f"Sinh dữ liệu hồ sơ {days} ngày gần đây")
            with (
                progress(demo_day_count(days), "Hồ sơ mẫu (ngày × xã)", self.stderr) as bar,
                counter_scanner() as scan,
            ):
                made = generate_history(days=days, per_day=per_day, progress=bar, scanner=scan)
            self.stdout.write(f"  {made} hồ sơ đã được tạo.")
        else:
            self.stdout.write(f"  Đã có {Dossier.objects.count()} hồ sơ, giữ nguyên dữ liệu.")
        ensure_demo_resident()
        self.step("Sinh lịch sử xếp hàng lấy số tại trung tâm các xã mẫu")
        queue_started = time.monotonic()
        days = queue_demo.demo_day_count()
        with progress(days, "Hàng đợi (ngày × xã)", self.stderr, enabled=days > 0) as bar:
            replayed = queue_demo.replay_queues(progress=bar)
        self.stdout.write(
            f"  {replayed.tickets} số thứ tự đã được cấp "
            f"({time.monotonic() - queue_started:.0f} giây)."
        )
        self.queue_portal_sync()
        self.demo_reports()
        self.step("Tính số liệu thống kê và chỉ số phục vụ (Quyết định 766) theo tháng")
        months = insights_demo.demo_months(timezone.now())
        with progress(len(months), "Số liệu tháng", self.stderr, enabled=bool(months)) as bar:
            insights_demo.prepare(progress=bar)
        self.print_banner(users, addr, time.monotonic() - started)
        if not no_serve:
            self.serve(addr)

    def demo_reports(self) -> None:
        """Residents' reports over the dossiers' months, through the petition services."""
        months = insights_demo.demo_months(timezone.now())
        if not months:
            return
        self.step("Sinh phản ánh, kiến nghị của người dân tại các xã mẫu")
        started = time.monotonic()
        first = insights_demo.first_dossier_day()
        steps = petitions_demo.step_count(first, months[-1].first)
        with progress(steps, "Phản ánh (tháng × xã)", self.stderr) as bar:
            made = petitions_demo.generate_reports(first=first, progress=bar)
        self.stdout.write(f"  {made} phản ánh đã được tạo ({time.monotonic() - started:.0f} giây).")

    def queue_portal_sync(self) -> None:
        """History was replayed with listeners muted: give every dossier its sync state and push
        them to the portal stand-in now, so the service index's sync criteria (1.4, 3.3) read
        what a running system would have; later changes are pushed by the worker."""
        with transaction.atomic():
            added = track_untracked_dossiers()
        if not added:
            return
        with progress(added, "Đồng bộ Cổng DVCQG (giả lập)", self.stderr) as bar:
            while (report := push_due(limit=500)).claimed:
                bar.advance(report.claimed)
        self.stdout.write(f"  {added} hồ sơ đã đồng bộ lên Cổng DVCQG (giả lập).")

    def serve(self, addr: str) -> None:
        """The web server, with the background worker (notifications, portal sync) beside it."""
        worker = subprocess.Popen(
            [sys.executable, "-m", "motcua", "db_worker", "--no-reload", "--verbosity", "0"],
            # Demo messages are printed, e-mail too, with recipients masked.
            env={
                "MOTCUA_NOTIFY_EMAIL": "motcua.notify.adapters.ConsoleAdapter",
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "motcua.settings",
            },
        )
        try:
            call_command("runserver", addr, use_reloader=False, use_threading=True)
        finally:
            worker.terminate()
            worker.wait(timeout=10)

    def step(self, text: str) -> None:
        self.stdout.write(self.style.MIGRATE_HEADING(f"→ {text}"))

    def print_banner(self, users, addr, seconds):
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Sẵn sàng sau {seconds:.0f} giây."))
        self.stdout.write(f"Mở http://{addr}/  — mật khẩu mọi tài khoản mẫu: {DEMO_PASSWORD}")
        self.stdout.write("")
        width = max(len(u[0]) for u in users)
        for username, role, unit in users:
            self.stdout.write(f"  {username:<{width}}  {role:<26}  {unit}")
        self.stdout.write("")
        self.stdout.write(
            f"Công dân mẫu: đăng nhập tại /dang-nhap-cong-dan/ bằng số {DEMO_PHONE} (mã đăng nhập "
            f"in ra ở cửa sổ này) hoặc bằng VNeID giả lập với số định danh {DEMO_ID_NUMBER}."
        )
        for line in queue_demo.banner_lines(f"http://{addr}"):
            self.stdout.write(line)
        self.stdout.write("")
