from logbtq import shuffle


def test_generator_is_the_standard_one():
    # The C++ standard fixes the 10000th output of a default std::mt19937_64.
    rng = shuffle.MT19937_64(5489)
    for _ in range(9999):
        rng()
    assert rng() == 9981545732273789042


def test_pinned_orders_match_the_runtime():
    # unittests/Runtime/ShuffleTest.cpp pins the same values.
    assert shuffle.epoch_seed(0, 0) == 0xE220A8397B1DCDAF
    assert shuffle.epoch_order(10, 0, 0) == [1, 7, 9, 2, 5, 3, 8, 4, 6, 0]
    assert shuffle.epoch_order(10, 42, 3) == [1, 8, 7, 5, 9, 2, 3, 4, 6, 0]
    assert sorted(shuffle.epoch_order(1001, 42, 0)) == list(range(1001))
