// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the framework's pure logic: UUID parsing, alias
 * derivation and instance accounting. core/util.c is built in here again
 * rather than exported, so the framework exports nothing for tests.
 */
#include <kunit/test.h>
#include "../core/util.c"

static void uuid_accepts_36_and_newline(struct kunit *test)
{
	static const char lower[] = "b0a1c2d3-e4f5-4a6b-8c7d-0e1f2a3b4c5d";
	static const char upper[] = "B0A1C2D3-E4F5-4A6B-8C7D-0E1F2A3B4C5D\n";
	guid_t a, b;

	KUNIT_EXPECT_EQ(test, mdevfw_parse_uuid(lower, 36, &a), 0);
	KUNIT_EXPECT_EQ(test, mdevfw_parse_uuid(upper, 37, &b), 0);
	KUNIT_EXPECT_TRUE(test, guid_equal(&a, &b));
	/* guid_t keeps the first three fields little-endian, as upstream mdev. */
	KUNIT_EXPECT_EQ(test, a.b[0], 0xd3);
	KUNIT_EXPECT_EQ(test, a.b[3], 0xb0);
	KUNIT_EXPECT_EQ(test, a.b[15], 0x5d);
}

static void uuid_rejects_bad_input(struct kunit *test)
{
	static const char ok[] = "b0a1c2d3-e4f5-4a6b-8c7d-0e1f2a3b4c5d";
	static const char nul37[] = "b0a1c2d3-e4f5-4a6b-8c7d-0e1f2a3b4c5d\0";
	static const char x37[] = "b0a1c2d3-e4f5-4a6b-8c7d-0e1f2a3b4c5dx";
	static const char dash[] = "b0a1c2d3e-4f5-4a6b-8c7d-0e1f2a3b4c5d";
	static const char hex[] = "g0a1c2d3-e4f5-4a6b-8c7d-0e1f2a3b4c5d";
	guid_t g;

	KUNIT_EXPECT_EQ(test, mdevfw_parse_uuid(ok, 35, &g), -EINVAL);
	KUNIT_EXPECT_EQ(test, mdevfw_parse_uuid(x37, 38, &g), -EINVAL);
	KUNIT_EXPECT_EQ(test, mdevfw_parse_uuid(nul37, 37, &g), -EINVAL);
	KUNIT_EXPECT_EQ(test, mdevfw_parse_uuid(x37, 37, &g), -EINVAL);
	KUNIT_EXPECT_EQ(test, mdevfw_parse_uuid(dash, 36, &g), -EINVAL);
	KUNIT_EXPECT_EQ(test, mdevfw_parse_uuid(hex, 36, &g), -EINVAL);
	KUNIT_EXPECT_EQ(test, mdevfw_parse_uuid("", 0, &g), -EINVAL);
}

static void alias_is_stable_and_sized(struct kunit *test)
{
	guid_t u1 = GUID_INIT(0xb0a1c2d3, 0xe4f5, 0x4a6b, 0x8c, 0x7d,
			      0x0e, 0x1f, 0x2a, 0x3b, 0x4c, 0x5d);
	guid_t u2 = u1;
	char a1[MDEVFW_ALIAS_MAX + 1], a2[MDEVFW_ALIAS_MAX + 1];
	char full[MDEVFW_ALIAS_MAX + 1];

	u2.b[15] ^= 1;
	mdevfw_make_alias(&u1, 8, a1);
	mdevfw_make_alias(&u1, 8, a2);
	KUNIT_EXPECT_STREQ(test, a1, a2);
	KUNIT_EXPECT_EQ(test, strlen(a1), 8);
	mdevfw_make_alias(&u1, MDEVFW_ALIAS_MAX, full);
	KUNIT_EXPECT_EQ(test, strlen(full), MDEVFW_ALIAS_MAX);
	/* A shorter alias is a prefix of the longer one. */
	KUNIT_EXPECT_EQ(test, strncmp(full, a1, 8), 0);
	mdevfw_make_alias(&u2, 8, a2);
	KUNIT_EXPECT_STRNEQ(test, a1, a2);
	/* Out-of-range lengths are clamped. */
	mdevfw_make_alias(&u1, 99, a2);
	KUNIT_EXPECT_EQ(test, strlen(a2), MDEVFW_ALIAS_MAX);
}

static void accounting(struct kunit *test)
{
	/* A pool of 24 ports: single (cost 1) and dual (cost 2) types. */
	KUNIT_EXPECT_EQ(test, mdevfw_avail(24, 0, 1, 0, 0), 24);
	KUNIT_EXPECT_EQ(test, mdevfw_avail(24, 0, 2, 0, 0), 12);
	KUNIT_EXPECT_EQ(test, mdevfw_avail(24, 23, 2, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, mdevfw_avail(24, 23, 1, 0, 0), 1);
	KUNIT_EXPECT_EQ(test, mdevfw_avail(24, 24, 1, 0, 0), 0);
	/* A pool shrunk below what is used reads 0, not a wrapped count. */
	KUNIT_EXPECT_EQ(test, mdevfw_avail(4, 6, 1, 0, 0), 0);
	/* Per-type limits. */
	KUNIT_EXPECT_EQ(test, mdevfw_avail(0, 0, 0, 5, 2), 3);
	KUNIT_EXPECT_EQ(test, mdevfw_avail(0, 0, 0, 5, 5), 0);
	KUNIT_EXPECT_EQ(test, mdevfw_avail(0, 0, 0, 5, 7), 0);
}

static struct kunit_case mdevfw_util_cases[] = {
	KUNIT_CASE(uuid_accepts_36_and_newline),
	KUNIT_CASE(uuid_rejects_bad_input),
	KUNIT_CASE(alias_is_stable_and_sized),
	KUNIT_CASE(accounting),
	{}
};

static struct kunit_suite mdevfw_util_suite = {
	.name = "mdevfw_util",
	.test_cases = mdevfw_util_cases,
};

kunit_test_suite(mdevfw_util_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdevfw: KUnit tests of UUID parsing, aliases and accounting");
