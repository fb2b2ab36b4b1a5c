// SPDX-License-Identifier: GPL-2.0
/*
 * Change events: one KOBJ_CHANGE uevent on the parent's device when its
 * set of types changes, or a type's capacity (available_instances) changes
 * for another reason than the create or remove of one of its own mdevs
 * (those have their add and remove events). Documentation/abi.rst has the
 * environment.
 *
 * Everything that may change a capacity happens under the lifecycle lock,
 * and marks what it touched there: a type to re-check, a type added, a
 * type gone (kept, with a kobject reference, for its name). One work item
 * per parent then takes the lifecycle lock, compares each marked type's
 * capacity with the one it last announced, and sends one event for all of
 * it. Whatever was marked while the work was queued, or while the lock
 * was held, goes out in one event: a pool resize that changes every type
 * sends one.
 *
 * Lifetime (Documentation/locking.rst): a queued work holds a parent
 * reference, taken under the lock while the parent is registered. The
 * work takes the lifecycle lock, so nothing waits for it under that lock:
 * unpublish only drops the marks (the work then finds the parent
 * unregistered and sends nothing), and mdevfw_parent_wait(), which runs
 * without the lock, cancels it before it waits for the last reference.
 */
#include <linux/slab.h>
#include "core.h"

/*
 * Both lists together may not exceed this. A uevent's environment is
 * UEVENT_BUFFER_SIZE (2 KiB) in all, and the rest of it (ACTION, DEVPATH,
 * SUBSYSTEM, DRIVER, a bus's own variables: pci_uevent() adds some 150
 * bytes) must fit beside them, with the keys and the truncation flag.
 */
#define MDEVFW_CHANGE_LIST_MAX	1024

static void mdevfw_change_work(struct work_struct *work);

void mdevfw_changes_init(struct mdevfw_parent *parent)
{
	INIT_WORK(&parent->change_work, mdevfw_change_work);
	INIT_LIST_HEAD(&parent->types_gone);
}

/* Queues the work, which holds a parent reference until it has run. */
static void mdevfw_change_queue_locked(struct mdevfw_parent *parent)
{
	mdevfw_assert_locked(parent);
	if (!parent->registered)
		return;
	/* The base reference is held: registered. */
	kref_get(&parent->ref);
	if (!queue_work(system_wq, &parent->change_work))
		mdevfw_parent_put(parent);
}

/*
 * @type's own mdev's add or remove event says its capacity now: that is
 * the one announced, unless something else marked it meanwhile (then the
 * change event compares, and names it if it moved).
 */
void mdevfw_change_own_locked(struct mdevfw_type *type)
{
	mdevfw_assert_locked(type->owner);
	if (!type->recheck && !type->added)
		type->avail_sent = mdevfw_type_available_locked(type);
}

/**
 * mdevfw_change_capacity_locked() - capacities may have changed
 * @parent: the parent
 * @own: the type whose own mdev was created or removed, or NULL
 *
 * Marks every type but @own for a re-check; @own's new capacity needs no
 * event (its mdev's add or remove event says it), so it becomes the one
 * announced, unless something else marked it meanwhile. An mdev of a
 * type outside the pool changes no other type's capacity, except one
 * that the vendor counts itself (an available() callback).
 *
 * Context: the parent's lifecycle lock is held.
 */
void mdevfw_change_capacity_locked(struct mdevfw_parent *parent,
				   struct mdevfw_type *own)
{
	bool pool = !own || own->info->pool_cost;
	struct mdevfw_type *type;
	bool marked = false;

	mdevfw_assert_locked(parent);
	if (!parent->registered)
		return;
	list_for_each_entry(type, &parent->types, node) {
		if (type == own) {
			mdevfw_change_own_locked(type);
		} else if (pool || type->info->available) {
			type->recheck = true;
			marked = true;
		}
	}
	if (marked)
		mdevfw_change_queue_locked(parent);
}

/**
 * mdevfw_parent_changed_locked() - capacities changed where we cannot see
 * @parent: the parent
 *
 * For a vendor whose available() callbacks count something the framework
 * does not (a resource shared with another parent, say): re-checks every
 * type's capacity, and sends one change event naming those that moved.
 * The framework's own causes (the pool, mdevs, types) need no call.
 *
 * Context: the parent's lifecycle lock is held.
 */
void mdevfw_parent_changed_locked(struct mdevfw_parent *parent)
{
	mdevfw_change_capacity_locked(parent, NULL);
}
EXPORT_SYMBOL_MDEVFW(mdevfw_parent_changed_locked);

/*
 * A type was added to a registered parent, and published. (Publishing
 * set what it announced: for a type published at registration,
 * MDEV_STATE=registered announces it.)
 */
void mdevfw_change_type_added_locked(struct mdevfw_type *type)
{
	struct mdevfw_parent *parent = type->owner;

	mdevfw_assert_locked(parent);
	if (!parent->registered)
		return;
	type->added = true;
	mdevfw_change_queue_locked(parent);
}

/*
 * A type was taken off the parent's list at runtime: keep it, for its
 * name, until the event says it is gone.
 */
void mdevfw_change_type_gone_locked(struct mdevfw_type *type)
{
	struct mdevfw_parent *parent = type->owner;

	mdevfw_assert_locked(parent);
	if (!parent->registered)
		return;
	kobject_get(&type->kobj);
	list_add_tail(&type->node, &parent->types_gone);
	mdevfw_change_queue_locked(parent);
}

/* At unpublish: nothing more is announced. */
void mdevfw_changes_discard_locked(struct mdevfw_parent *parent)
{
	struct mdevfw_type *type, *tmp;

	mdevfw_assert_locked(parent);
	WARN_ON(parent->registered);
	list_for_each_entry_safe(type, tmp, &parent->types_gone, node) {
		list_del(&type->node);
		/* Its release only frees: safe under the lock. */
		kobject_put(&type->kobj);
	}
}

/*
 * In mdevfw_parent_wait(), without the lifecycle lock (the work takes
 * it): a work still queued goes, with its reference.
 */
void mdevfw_changes_cancel(struct mdevfw_parent *parent)
{
	might_sleep();
	mdevfw_assert_unlocked(parent);
	if (cancel_work_sync(&parent->change_work))
		mdevfw_parent_put(parent);
}

static bool mdevfw_type_listed(struct mdevfw_parent *parent, const char *name)
{
	struct mdevfw_type *type;

	list_for_each_entry(type, &parent->types, node)
		if (!strcmp(kobject_name(&type->kobj), name))
			return true;
	return false;
}

/*
 * Whether MDEV_TYPES_REMOVED names @type, gone: only a type that was
 * announced (published at registration, or named by an event: not still
 * @added), named once however many objects of that name went, and not if
 * a type of that name is listed again (a reload: MDEV_TYPES names it). A
 * type added and removed before the work ran goes unsaid, unless an
 * earlier object of its name was announced and went too.
 */
static bool mdevfw_gone_announce(struct mdevfw_parent *parent,
				 struct mdevfw_type *type)
{
	const char *name = kobject_name(&type->kobj);
	struct mdevfw_type *prev;

	if (type->added || mdevfw_type_listed(parent, name))
		return false;
	list_for_each_entry(prev, &parent->types_gone, node) {
		if (prev == type)
			break;
		if (!prev->added && !strcmp(kobject_name(&prev->kobj), name))
			return false;
	}
	return true;
}

/*
 * Appends " NAME" or " NAME=N" to @buf, whose list is @len long while the
 * other list is @other long; false if both would exceed the budget.
 */
static bool mdevfw_change_append(char *buf, size_t *len, size_t other,
				 const char *name, const unsigned int *avail)
{
	size_t room = MDEVFW_CHANGE_LIST_MAX - *len - other;
	int n;

	if (avail)
		n = snprintf(buf + *len, room, "%s%s=%u",
			     *len ? " " : "", name, *avail);
	else
		n = snprintf(buf + *len, room, "%s%s",
			     *len ? " " : "", name);
	if (n >= room) {
		buf[*len] = '\0';
		return false;
	}
	*len += n;
	return true;
}

#define MDEVFW_TYPES_KEY	"MDEV_TYPES="
#define MDEVFW_GONE_KEY		"MDEV_TYPES_REMOVED="

/* Collects the marks, clears them, and sends one event if anything changed. */
static void mdevfw_changes_send_locked(struct mdevfw_parent *parent)
{
	size_t tlen = 0, glen = 0, tkey = strlen(MDEVFW_TYPES_KEY),
	       gkey = strlen(MDEVFW_GONE_KEY);
	struct mdevfw_type *type, *tmp;
	char *types, *gone, *envp[4];
	bool whole = true;
	int n = 0;

	mdevfw_assert_locked(parent);
	types = kmalloc(tkey + MDEVFW_CHANGE_LIST_MAX, GFP_KERNEL);
	gone = kmalloc(gkey + MDEVFW_CHANGE_LIST_MAX, GFP_KERNEL);
	if (types && gone) {
		strscpy(types, MDEVFW_TYPES_KEY, tkey + 1);
		strscpy(gone, MDEVFW_GONE_KEY, gkey + 1);
	}

	list_for_each_entry(type, &parent->types, node) {
		unsigned int avail;

		if (!type->added && !type->recheck)
			continue;
		avail = mdevfw_type_available_locked(type);
		if ((type->added || avail != type->avail_sent) && types && gone)
			whole &= mdevfw_change_append(types + tkey, &tlen, glen,
						      kobject_name(&type->kobj),
						      &avail);
		type->avail_sent = avail;
		type->added = false;
		type->recheck = false;
	}
	list_for_each_entry(type, &parent->types_gone, node) {
		if (types && gone && mdevfw_gone_announce(parent, type))
			whole &= mdevfw_change_append(gone + gkey, &glen, tlen,
						      kobject_name(&type->kobj),
						      NULL);
	}
	list_for_each_entry_safe(type, tmp, &parent->types_gone, node) {
		list_del(&type->node);
		kobject_put(&type->kobj);
	}

	if (!types || !gone) {
		/* Say that something changed, if not what. */
		dev_warn_ratelimited(parent->dev, "mdevfw: change event without its list: out of memory\n");
		envp[n++] = "MDEV_TYPES_TRUNCATED=1";
	} else {
		if (tlen)
			envp[n++] = types;
		if (glen)
			envp[n++] = gone;
		if (!whole)
			envp[n++] = "MDEV_TYPES_TRUNCATED=1";
	}
	envp[n] = NULL;
	if (n)
		kobject_uevent_env(&parent->dev->kobj, KOBJ_CHANGE, envp);
	kfree(types);
	kfree(gone);
}

static void mdevfw_change_work(struct work_struct *work)
{
	struct mdevfw_parent *parent =
		container_of(work, struct mdevfw_parent, change_work);

	/* Our reference keeps the parent, and its devlink instance, alive. */
	mdevfw_lock(parent);
	if (parent->registered)
		mdevfw_changes_send_locked(parent);
	mdevfw_unlock(parent);
	mdevfw_parent_put(parent);
}
