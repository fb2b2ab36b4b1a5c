// SPDX-License-Identifier: GPL-2.0
/*
 * Pure logic with no state: UUID parsing, name-based UUIDs, alias
 * derivation and instance accounting. The KUnit module builds this file too, so it has no
 * exported symbols and touches nothing but its arguments.
 */
#include <crypto/sha1.h>
#include <linux/siphash.h>
#include <linux/string.h>
#include <linux/uuid.h>
#include "core.h"

/**
 * mdevfw_parse_uuid() - parse what user space wrote to "create"
 * @buf: the bytes written; kernfs terminates them with a NUL
 * @count: how many bytes were written
 * @uuid: the result
 *
 * Accepts exactly 36 characters in the 8-4-4-4-12 form, optionally
 * followed by one newline. Hex digits may be upper or lower case; the
 * device is always named in lower case. Upstream mdev also takes any
 * 37th byte; we take only a newline, so "UUID\0" or "UUIDx" is refused.
 *
 * Return: 0, or -EINVAL.
 */
int mdevfw_parse_uuid(const char *buf, size_t count, guid_t *uuid)
{
	char str[UUID_STRING_LEN + 1];

	if (count == UUID_STRING_LEN + 1 && buf[UUID_STRING_LEN] == '\n')
		count--;
	if (count != UUID_STRING_LEN)
		return -EINVAL;
	/* guid_parse() needs the NUL at 36: copy, as buf may hold more. */
	memcpy(str, buf, UUID_STRING_LEN);
	str[UUID_STRING_LEN] = '\0';
	return guid_parse(str, uuid);
}

/* A fixed key: an alias must be the same on every boot and machine. */
static const siphash_key_t mdevfw_alias_key = {
	{ 0x6d6465766677616cULL, 0x69617321ULL }
};

/**
 * mdevfw_make_alias() - derive an mdev's short alias from its UUID
 * @uuid: the UUID
 * @len: how many hex digits, 1 to %MDEVFW_ALIAS_MAX
 * @alias: the result, @len digits and a NUL
 *
 * The alias is the first @len lower-case hex digits of the 64-bit
 * SipHash-2-4 of the 16 UUID bytes under a fixed key, most significant
 * digit first. Two UUIDs can give the same alias; create refuses the
 * second with -EEXIST (see Documentation/api.rst).
 */
void mdevfw_make_alias(const guid_t *uuid, unsigned int len, char *alias)
{
	u64 h = siphash(uuid->b, sizeof(uuid->b), &mdevfw_alias_key);

	len = clamp(len, 1U, (unsigned int)MDEVFW_ALIAS_MAX);
	snprintf(alias, len + 1, "%016llx", h);
}

/**
 * mdevfw_avail() - instances of a type that can still be created
 * @pool_size: the parent's pool
 * @pool_used: what all types of the parent took from it
 * @pool_cost: what one instance of this type takes from it, or 0
 * @max_instances: the type's own limit when @pool_cost is 0
 * @type_used: live instances of this type
 *
 * Return: how many more creates of this type would succeed.
 */
unsigned int mdevfw_avail(unsigned int pool_size, unsigned int pool_used,
			  unsigned int pool_cost, unsigned int max_instances,
			  unsigned int type_used)
{
	if (pool_cost)
		return pool_used < pool_size ?
		       (pool_size - pool_used) / pool_cost : 0;
	return type_used < max_instances ? max_instances - type_used : 0;
}

/* Feeds one 64-byte block, @data, into the SHA-1 state @digest. */
static void mdevfw_sha1_block(u32 *digest, const u8 *data)
{
	u32 ws[SHA1_WORKSPACE_WORDS];

	sha1_transform(digest, (const char *)data, ws);
	memzero_explicit(ws, sizeof(ws));
}

/**
 * mdevfw_uuid_v5() - a name-based UUID (RFC 9562 version 5, SHA-1)
 * @ns: the namespace UUID
 * @name: the name
 * @out: the result, as a guid_t so that %pUl prints it as uuidgen does
 *
 * The same as "uuidgen --sha1 --namespace NS --name NAME".
 */
void mdevfw_uuid_v5(const uuid_t *ns, const char *name, guid_t *out)
{
	size_t len = strlen(name), total = sizeof(*ns) + len, off = 0, i;
	u32 digest[SHA1_DIGEST_WORDS];
	u8 block[SHA1_BLOCK_SIZE];
	__be32 be[SHA1_DIGEST_WORDS];
	u8 *u = (u8 *)be;
	u64 bits = (u64)total * 8;
	bool ended = false;

	sha1_init(digest);
	/* The message is the namespace's 16 bytes, then the name. */
	while (!ended) {
		size_t n = 0;

		for (; n < SHA1_BLOCK_SIZE && off < total; n++, off++)
			block[n] = off < sizeof(*ns) ? ns->b[off] :
				   name[off - sizeof(*ns)];
		if (n < SHA1_BLOCK_SIZE && off == total) {
			/* The 0x80 after the message, once. */
			block[n++] = 0x80;
			off++;
		}
		if (n <= SHA1_BLOCK_SIZE - 8 && off > total) {
			memset(block + n, 0, SHA1_BLOCK_SIZE - 8 - n);
			put_unaligned_be64(bits, block + SHA1_BLOCK_SIZE - 8);
			ended = true;
		} else {
			memset(block + n, 0, SHA1_BLOCK_SIZE - n);
		}
		mdevfw_sha1_block(digest, block);
	}
	for (i = 0; i < SHA1_DIGEST_WORDS; i++)
		be[i] = cpu_to_be32(digest[i]);
	u[6] = (u[6] & 0x0f) | 0x50;
	u[8] = (u[8] & 0x3f) | 0x80;
	/* uuid_t is big-endian; guid_t's first three fields are little. */
	*out = GUID_INIT(get_unaligned_be32(u), get_unaligned_be16(u + 4),
			 get_unaligned_be16(u + 6), u[8], u[9], u[10], u[11],
			 u[12], u[13], u[14], u[15]);
}
