"""A centre with counters for queue tests: commune a's centre serves civil status (hộ tịch) at
counters 1 and 2 and land (đất đai) at counter 2; counter 3 is reserved for priority and serves
civil status. Monday 7 July 2025 is a working day."""

import pytest

from motcua.catalog.models import Field
from motcua.queueing.models import PriorityGroup
from motcua.residents.models import Resident
from motcua.units.models import Counter
from tests.world import World, vn  # noqa: F401  (vn re-exported for the tests)


class QueueWorld(World):
    def __init__(self):
        super().__init__()
        self.center = self.a.centers.get()
        self.civil = Field.objects.get(code="ho-tich")
        self.land = Field.objects.create(code="dat-dai", name_vi="Đất đai", name_en="Land")
        self.counter1 = self._counter(1, [self.civil])
        self.counter2 = self._counter(2, [self.civil, self.land])
        self.counter3 = self._counter(3, [self.civil], reserved=True)
        self.elderly = PriorityGroup.objects.get(center=self.center, code="elderly")
        self.resident = Resident.objects.create(phone="0912345678", full_name="Lê Văn Tám")

    def _counter(self, number, fields, reserved=False):
        counter = Counter.objects.create(
            center=self.center, number=number, reserved_for_priority=reserved
        )
        counter.fields.set(fields)
        return counter


@pytest.fixture
def q(db):
    return QueueWorld()
