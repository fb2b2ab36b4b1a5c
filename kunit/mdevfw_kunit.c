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

/* Expected values from Python's uuid.uuid5(), the same as uuidgen --sha1. */
static void uuid_v5_matches_rfc(struct kunit *test)
{
	static const struct {
		unsigned int len;
		const char *uuid;
	} cases[] = {
		/* 16 + len bytes: one block, the 0x80 or the length spilling over. */
		{ 39, "822db151-a577-5c83-acbc-d5d59d77dc56" },
		{ 40, "b44b5dfd-6da2-5d67-8650-57a09eff609c" },
		{ 47, "3484c2fa-daae-51ff-9e04-4733db9d1fed" },
		{ 48, "a7b144e2-6acb-5216-ab97-c67c4d718005" },
		{ 55, "443af4d1-ab14-5a50-a428-84bddd28458d" },
		{ 100, "2874bd32-19e2-52be-baa1-ff2a6c63f37c" },
	};
	const uuid_t ns = UUID_INIT(0x6d646576, 0x6677, 0x4e5f, 0x9c, 0x1e,
				    0x70, 0x6f, 0x72, 0x74, 0x73, 0x21);
	/* RFC 9562's DNS namespace, and its example. */
	const uuid_t dns = UUID_INIT(0x6ba7b810, 0x9dad, 0x11d1, 0x80, 0xb4,
				     0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8);
	char name[101], str[UUID_STRING_LEN + 1];
	unsigned int i;
	guid_t g;

	mdevfw_uuid_v5(&dns, "www.example.com", &g);
	snprintf(str, sizeof(str), "%pUl", &g);
	KUNIT_EXPECT_STREQ(test, str, "2ed6657d-e927-568b-95e1-2665a8aea6a2");
	mdevfw_uuid_v5(&ns, "msample/msample0/pf0sf5", &g);
	snprintf(str, sizeof(str), "%pUl", &g);
	KUNIT_EXPECT_STREQ(test, str, "faec0d16-8c79-50e5-b2c5-ba94f65ccba7");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(name, 'x', cases[i].len);
		name[cases[i].len] = 0;
		mdevfw_uuid_v5(&ns, name, &g);
		snprintf(str, sizeof(str), "%pUl", &g);
		KUNIT_EXPECT_STREQ_MSG(test, str, cases[i].uuid, "name length %u",
				       cases[i].len);
	}
}

static struct kunit_case mdevfw_util_cases[] = {
	KUNIT_CASE(uuid_accepts_36_and_newline),
	KUNIT_CASE(uuid_rejects_bad_input),
	KUNIT_CASE(alias_is_stable_and_sized),
	KUNIT_CASE(accounting),
	KUNIT_CASE(uuid_v5_matches_rfc),
	{}
};

static struct kunit_suite mdevfw_util_suite = {
	.name = "mdevfw_util",
	.test_cases = mdevfw_util_cases,
};

kunit_test_suite(mdevfw_util_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdevfw: KUnit tests of UUID parsing, aliases and accounting");
