"""The socio-economic estimate by the seeds' method reproduces seeds/000 (pure rules)."""

from __future__ import annotations

from decimal import Decimal

from workflow.rules import statistics
from workflow.rules.statistics import Parameters


def test_effekter_under_2019_av_finsam_i_lanet() -> None:
    """seeds/000: 12 women + 14 men in unsubsidised work are 20,5 heltider, 14 women + 31 men
    in subsidised work 34,5; at 25 000 kr a month (75 % subsidised) and tax on 18 000 kr a
    month (11,76 % region, 21,64 % municipality): 13,9 + 1,4 + 2,6 = 17,9 milj kr a year."""
    heltider = {"work": Decimal("20.5"), "subsidised_work": Decimal("34.5")}
    socio = statistics.estimate(5_000_000, heltider, Parameters())
    # 12 × 25 000 × (20,5 + 0,75 × 34,5) = 12 × 25 000 × 46,375 = 13 912 500
    assert socio.work_value_year_sek == 13_912_500
    # 12 × 18 000 × 11,76 % × (20,5 + 34,5) = 12 × 2 116,80 × 55 = 1 397 088
    assert socio.region_tax_year_sek == 1_397_088
    # 12 × 18 000 × 21,64 % × 55 = 12 × 3 895,20 × 55 = 2 570 832
    assert socio.municipal_tax_year_sek == 2_570_832
    assert socio.yearly_value_sek == 17_880_420
    mkr = [
        statistics.mkr(v)
        for v in (
            socio.work_value_year_sek,
            socio.region_tax_year_sek,
            socio.municipal_tax_year_sek,
            socio.yearly_value_sek,
        )
    ]
    assert mkr == [Decimal("13.9"), Decimal("1.4"), Decimal("2.6"), Decimal("17.9")]
    # A month: 1 159 375 + 116 424 + 214 236 = 1 490 035; the region's and the
    # municipality's 5 000 000 kr of 2019 pay back in 5 000 000 / 1 490 035 = 3,36 → 3,4 months
    assert socio.monthly_value_sek == 1_490_035
    assert socio.payback_months == Decimal("3.4")
    # "ca 2.100kr/mån" and "ca 3.900kr/mån" to region and municipality for one heltid
    one = statistics.estimate(0, {"work": Decimal(1)}, Parameters())
    assert (one.region_tax_month_sek, one.municipal_tax_month_sek) == (2_117, 3_895)


def test_persons_are_not_heltider() -> None:
    """Counting the 71 persons as full time (the old method) overstates the seeds' 17,9."""
    persons = {"work": Decimal(26), "subsidised_work": Decimal(45)}
    assert statistics.mkr(statistics.estimate(0, persons, Parameters()).yearly_value_sek) > 20


def test_studies_are_valued_at_their_share_and_bring_no_tax() -> None:
    socio = statistics.estimate(0, {"studies": Decimal("2")}, Parameters())
    # 25 000 × 0,5 × 2 = 25 000 a month, no tax
    assert socio.work_value_month_sek == 25_000
    assert socio.region_tax_month_sek == socio.municipal_tax_month_sek == 0


def test_every_default_names_seeds_000_as_its_source() -> None:
    params = Parameters()
    for name in statistics.PARAMETER_NAMES:
        assert params.source_of(name).startswith("seeds/000"), name
    own = Parameters(full_time_month_sek=24_732, source="FK:s effektutvärdering 2017")
    assert own.source_of("full_time_month_sek") == "FK:s effektutvärdering 2017"
    assert own.source_of("taxable_month_sek").startswith("seeds/000")
