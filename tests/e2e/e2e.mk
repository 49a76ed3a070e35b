# The QEMU kdump lab (included by Makefile.in): `make e2e`
e2e: all $(TOOLS)
	BUILD=`pwd` bash $(srcdir)/tests/e2e/run-e2e.sh

.PHONY: e2e
