"""The statistics behind the table and --compare: median, spread,
percentile, the noise-aware comparison, disturbed runs and retries."""

import unittest

import bench_fixtures  # noqa: F401  (puts grove_bench on the path)
from grove_bench import stats


class Percentile(unittest.TestCase):
    def test_nearest_rank(self):
        ten = list(range(1, 11))
        self.assertEqual(stats.percentile(ten, 50), 5)
        self.assertEqual(stats.percentile(ten, 99), 10)
        self.assertEqual(stats.percentile(ten, 100), 10)
        self.assertEqual(stats.percentile(ten, 0), 1)

    def test_rank_rounds_up(self):
        # ceil(200 * 99 / 100) = 198: the 198th smallest, not an interpolation.
        self.assertEqual(stats.percentile(list(range(1, 201)), 99), 198)
        self.assertEqual(stats.percentile([10, 20, 30], 50), 20)
        self.assertEqual(stats.percentile([10, 20, 30, 40], 50), 20)

    def test_small_and_empty(self):
        self.assertEqual(stats.percentile([7], 99), 7)
        self.assertIsNone(stats.percentile([], 50))


class Median(unittest.TestCase):
    def test_odd_and_even(self):
        self.assertEqual(stats.median([3, 1, 2]), 2)
        self.assertEqual(stats.median([4, 1, 3, 2]), 2.5)

    def test_none_values_are_ignored(self):
        self.assertEqual(stats.median([None, 5, None, 1, 3]), 3)
        self.assertIsNone(stats.median([None, None]))
        self.assertIsNone(stats.median([]))


class Spread(unittest.TestCase):
    def test_half_range_as_percent_of_median(self):
        self.assertAlmostEqual(stats.half_range_pct([90, 100, 110]), 10.0)
        self.assertAlmostEqual(stats.half_range_pct([2.0, 2.0, 3.0]), 25.0)

    def test_undefined_cases(self):
        self.assertIsNone(stats.half_range_pct([5]))
        self.assertIsNone(stats.half_range_pct([5, None]))
        self.assertIsNone(stats.half_range_pct([0, 0, 0]))


class CompareSamples(unittest.TestCase):
    def test_change_within_noise_is_not_flagged(self):
        c = stats.compare_samples([100, 104, 96], [101, 105, 97])
        self.assertEqual(c["verdict"], "~")
        self.assertAlmostEqual(c["change_pct"], 1.0)
        self.assertAlmostEqual(c["noise_pct"], 4.0)

    def test_change_beyond_noise_is_flagged_in_its_direction(self):
        slower = stats.compare_samples([100, 101, 99], [120, 121, 119])
        self.assertEqual(slower["verdict"], "slower")
        self.assertAlmostEqual(slower["change_pct"], 20.0)
        faster = stats.compare_samples([120, 121, 119], [100, 101, 99])
        self.assertEqual(faster["verdict"], "faster")
        self.assertLess(faster["change_pct"], 0)

    def test_a_bandwidth_that_drops_is_slower(self):
        lower = stats.compare_samples([10.0, 10.1, 9.9], [8.0, 8.1, 7.9], higher_is_better=True)
        self.assertEqual(lower["verdict"], "slower")
        self.assertAlmostEqual(lower["change_pct"], -20.0)
        higher = stats.compare_samples([8.0, 8.1, 7.9], [10.0, 10.1, 9.9], higher_is_better=True)
        self.assertEqual(higher["verdict"], "faster")
        self.assertEqual(stats.compare_samples([10.0, 10.1, 9.9], [10.0, 10.2, 9.9],
                                               higher_is_better=True)["verdict"], "~")

    def test_separated_but_less_than_twice_the_noise(self):
        # Ranges apart (110 < 114), but A's spread is 10%, so 15% is not enough.
        c = stats.compare_samples([100, 110, 90], [115, 116, 114])
        self.assertEqual(c["verdict"], "~")

    def test_overlapping_ranges_are_not_flagged(self):
        # +35% is beyond twice the noise (30%), but B's fastest run beats A's slowest.
        c = stats.compare_samples([100, 100, 100, 100, 130], [135, 135, 135, 129])
        self.assertGreaterEqual(abs(c["change_pct"]), 2 * c["noise_pct"])
        self.assertEqual(c["verdict"], "~")

    def test_minimum_change(self):
        self.assertEqual(stats.compare_samples([100, 100.1], [104, 104.1])["verdict"], "slower")
        self.assertEqual(stats.compare_samples([100, 100.1], [102, 102.1])["verdict"], "~")
        self.assertEqual(stats.compare_samples([100, 100.1], [104, 104.1], min_change=10)["verdict"], "~")

    def test_single_runs_assume_default_noise(self):
        # One run a side: noise is taken as 5%, so a change needs 10%.
        c = stats.compare_samples([100], [111])
        self.assertEqual(c["noise_pct"], stats.DEFAULT_NOISE_PCT)
        self.assertEqual(c["verdict"], "slower")
        self.assertEqual(stats.compare_samples([100], [109])["verdict"], "~")
        self.assertEqual(stats.compare_samples([100], [89])["verdict"], "faster")

    def test_one_single_run_against_several(self):
        self.assertEqual(stats.compare_samples([100], [120, 121, 119])["verdict"], "slower")
        self.assertEqual(stats.compare_samples([100], [108, 108.5, 107.5])["verdict"], "~")

    def test_nothing_to_compare(self):
        self.assertIsNone(stats.compare_samples([], [1, 2]))
        self.assertIsNone(stats.compare_samples([None], [1, 2]))
        self.assertIsNone(stats.compare_samples([0, 0], [1, 2]))

    def test_none_samples_are_ignored(self):
        c = stats.compare_samples([100, None, 101, 99], [120, 121, None, 119])
        self.assertEqual(c["a"], 100)
        self.assertEqual(c["verdict"], "slower")


class Disturbed(unittest.TestCase):
    def test_less_than_three_quarters_of_a_core(self):
        self.assertTrue(stats.is_disturbed(cpu_s=0.5, elapsed_s=1.0))
        self.assertFalse(stats.is_disturbed(cpu_s=0.8, elapsed_s=1.0))
        self.assertFalse(stats.is_disturbed(cpu_s=0.75, elapsed_s=1.0))

    def test_very_short_runs_are_never_disturbed(self):
        self.assertFalse(stats.is_disturbed(cpu_s=0.0, elapsed_s=0.04))

    def test_others_cpu(self):
        self.assertAlmostEqual(stats.others_cpu_s(3.0, 1.0), 2.0)
        self.assertEqual(stats.others_cpu_s(1.0, 1.5), 0.0)
        self.assertIsNone(stats.others_cpu_s(None, 1.0))


class Retry(unittest.TestCase):
    disturbed = {"disturbed": True, "process_s": 0.5}

    def test_disturbed_short_run_is_retried(self):
        self.assertTrue(stats.should_retry(self.disturbed, attempt=0, retried=0, budget=3))

    def test_undisturbed_run_is_kept(self):
        self.assertFalse(stats.should_retry({"disturbed": False, "process_s": 0.5}, 0, 0, 3))

    def test_at_most_two_retries(self):
        self.assertTrue(stats.should_retry(self.disturbed, attempt=stats.DISTURB_RETRIES - 1, retried=0, budget=9))
        self.assertFalse(stats.should_retry(self.disturbed, attempt=stats.DISTURB_RETRIES, retried=0, budget=9))

    def test_long_runs_and_spent_budget_are_not_retried(self):
        self.assertFalse(stats.should_retry({"disturbed": True, "process_s": 6.0}, 0, 0, 3))
        self.assertFalse(stats.should_retry(self.disturbed, attempt=0, retried=3, budget=3))

    def test_budget_is_a_tenth_of_the_runs_but_at_least_three(self):
        self.assertEqual(stats.retry_budget(10), 3)
        self.assertEqual(stats.retry_budget(114), 11)


if __name__ == "__main__":
    unittest.main()
