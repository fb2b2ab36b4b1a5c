# SPDX-License-Identifier: GPL-2.0
#
# mdevfw: out-of-tree modules and their test platform.
#
#   make              build the modules against KDIR
#   make check        install what is needed, build the test kernels, lint,
#                     run every test; ends with "N passed, N failed"
#   make demo         the walk-through, in the VM
#   make vfio-guest   make check's test of a Linux guest under QEMU driving
#                     an mdev, alone (stock lane)
#   make vm-run CMD='...' [LANE=uml-debug]
#   make soak [SECS=600]  the stress test, long, on two CPUs (x86-debug-smp)
#   make install      modules, header, Module.symvers and udev rules
#
# KDIR defaults to the running kernel's build tree when there is one, else
# to the cached UML test kernel.

VERSION := 0.1
LANE ?= uml-debug
TIMEOUT ?= 120

ifeq ($(origin KDIR), undefined)
KDIR := $(wildcard /lib/modules/$(shell uname -r)/build)
ifeq ($(KDIR),)
KDIR = $(shell scripts/kernel.sh uml-debug | tail -1)
KARCH := ARCH=um
endif
endif

all: modules

modules:
	$(MAKE) -C $(KDIR) $(KARCH) M=$(CURDIR) W=1 modules

clean:
	$(MAKE) -C $(KDIR) $(KARCH) M=$(CURDIR) clean
	rm -rf .build

check:
	bash scripts/check.sh

demo:
	bash scripts/demo.sh

vfio-guest:
	bash scripts/vfio-guest.sh

# Benchmarks on the uml-bench kernel (no debug options), in one boot:
# tables, bench/results/ and Documentation/benchmarks.rst.
bench:
	bash bench/run.sh

# The stress test for SECS seconds (default 600) on x86-debug-smp.
SECS ?= 600
soak:
	bash scripts/soak.sh $(SECS)

vm-run:
	scripts/build-modules.sh $(LANE) >/dev/null
	scripts/vm-run.sh --lane $(LANE) --timeout $(TIMEOUT) -- $(CMD)

# Install as a DKMS-style package would: the modules, and what a separate
# vendor module needs to build against us (the header and Module.symvers).
# install-dev puts the header and Module.symvers where vendor modules
# find them: make MDEVFW=/usr/src/mdevfw-$(VERSION) (sample-parent/Makefile).
PREFIX_SRC ?= /usr/src/mdevfw-$(VERSION)
SYMVERS ?= Module.symvers
install: modules install-dev
	$(MAKE) -C $(KDIR) $(KARCH) M=$(CURDIR) modules_install
	install -D -m 0644 udev/60-mdevctl.rules $(DESTDIR)/etc/udev/rules.d/60-mdevctl.rules
	install -D -m 0644 udev/70-mdevfw-tty.rules $(DESTDIR)/etc/udev/rules.d/70-mdevfw-tty.rules

install-dev:
	install -d $(DESTDIR)$(PREFIX_SRC)/include
	install -m 0644 include/mdevfw.h include/mdevfw_compat.h $(DESTDIR)$(PREFIX_SRC)/include/
	install -m 0644 $(SYMVERS) $(DESTDIR)$(PREFIX_SRC)/Module.symvers

.PHONY: all modules clean check demo vfio-guest bench soak vm-run install install-dev
