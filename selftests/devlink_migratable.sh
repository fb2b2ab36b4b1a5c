#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# devlink's port function "migratable" on an mdev's port (an SF port),
# through the kernel's YNL client: Debian 12's devlink (iproute2 6.1) has
# no "migratable" keyword. Upstream devlink takes the capability for VF
# ports only. The 6.12 test kernels carry kernel/devlink-sf-migratable.patch,
# which lets the driver decide for SF ports too: there the framework's
# rule (mlx5's: it changes only while the function is inactive) holds,
# and off, VFIO refuses migration. Debian's own kernels refuse it in
# every state, and the mdev still migrates (Documentation/devlink.rst).
#
#   devlink_migratable.sh group|cdev
. "$(dirname "$0")/lib/guest.sh"

mode=${1:?usage: devlink_migratable.sh group|cdev}
ktap_print_header
ktap_set_plan 5
mdevfw_load sample || ktap_exit_fail_msg "cannot load the modules"
case $mode in
group) mdevfw_kmod vfio_iommu_type1 || ktap_exit_fail_msg "no vfio_iommu_type1" ;;
cdev) mdevfw_kmod iommufd || ktap_exit_fail_msg "no iommufd" ;;
esac
create() { local u; u=$(new_uuid); [ "$(wr "$1/create" "$u")" = OK ] && echo "$u"; }
D=msample/msample1
msample_new 1 4 >/dev/null
devlink dev eswitch set $D mode switchdev
S=$(create "$(type_dir msample1 msample-2)") || ktap_exit_fail_msg "cannot create an msample-2"
ynl() {
	python3 "$(dirname "$0")/lib/ynl.py" "$MDEVFW_KSRC/tools/net/ynl/cli.py" --no-schema --output-json \
		--spec "$MDEVFW_KSRC/Documentation/netlink/specs/devlink.yaml" "$@" 2>&1 |
		tr -s '[:space:]' ' '
}
# mig_set 0|1: the capability's bit (selector 2) cleared or set.
mig_set() {
	ynl --do port-set --json '{"bus-name": "msample", "dev-name": "msample1",
		"port-index": 0, "port-function": {"caps": {"value": '$(($1 * 2))', "selector": 2}}}'
}
mig_get() {
	ynl --do port-get --json '{"bus-name": "msample", "dev-name": "msample1",
		"port-index": 0}' | jq -c '."port-function".caps // "none"' 2>&1
}
# The error and its extack message (devlink's own refusal also names the
# attribute, after the message).
refused() { grep -o "error: -[0-9]* extack: {'msg': '[^']*'"; }
fn_state() { devlink port function set $D/0 state "$1"; }
# Through VFIO: "ready closed" if the mdev migrates, "error ENOTTY" if not.
mig_vfio() { "$MDEVFW_TOOLS/vfio_migrate" --hold "$mode" "$S" 1 </dev/null | paste -sd' '; }
ON='{"value":["migratable-bit"],"selector":["migratable-bit"]}'
OFF='{"value":[],"selector":["migratable-bit"]}'
# The lanes that boot a 6.12 test kernel (scripts/vm-run.sh) have the
# patch; the stock lanes and UML 6.1 do not.
case ${MDEVFW_LANE:-} in
uml-debug|uml-debug-naive*|uml-bench|x86-debug-smp)
	check "port 0's function shows migratable on" "$(mig_get)" "$ON"
	check "migratable off refused while the function is active" "$(mig_set 0 | refused)" \
		"error: -16 extack: {'msg': 'mdevfw: migratable changes only while the function is inactive; set state inactive first'"
	fn_state inactive
	check "migratable off with the function inactive" "$(mig_set 0)|$(mig_get)" "null |$OFF"
	fn_state active
	check "VFIO: migration refused once migratable is off" "$(mig_vfio)" "error ENOTTY"
	fn_state inactive
	check "migratable on again, and the mdev migrates" \
		"$(mig_set 1)|$(mig_get)|$(fn_state active; mig_vfio)" "null |$ON|ready closed"
	;;
*)
	refusal="error: -95 extack: {'msg': 'migratable function attribute supported for VFs only'"
	check "no migratable shown for an SF port" "$(mig_get)" '"none"'
	check "migratable off refused: for VFs only" "$(mig_set 0 | refused)" "$refusal"
	fn_state inactive
	check "refused with the function inactive too" "$(mig_set 0 | refused)" "$refusal"
	check "migratable on refused too" "$(mig_set 1 | refused)" "$refusal"
	fn_state active
	check "VFIO: the mdev still migrates" "$(mig_vfio)" "ready closed"
	;;
esac
msample_del 1 >/dev/null
ktap_finished
