# Thin wrapper over Meson for the README's commands. All real build logic is in meson.build.
BUILD      ?= build
TESTBUILD  ?= build-test
MESON_OPTS ?=
DB         ?= demo.db
PORT       ?= 8080

.PHONY: all deps build run test bench fuzz clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD) embudo

# Build, create the demo database if missing, and show what to try.
run: build
	@scripts/run-demo $(BUILD)/embudo $(DB)

$(TESTBUILD)/build.ninja:
	CC=$${CC:-cc} meson setup $(TESTBUILD) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true $(MESON_OPTS)

build-clang/build.ninja:
	CC=clang meson setup build-clang --buildtype=debug -Dwerror=true $(MESON_OPTS)

build-tsan/build.ninja:
	CC=$${CC:-cc} meson setup build-tsan --buildtype=debug -Db_sanitize=thread -Dwerror=true $(MESON_OPTS)

# The whole suite under ASan+UBSan, after checking that clang builds it too with
# -Werror (gcc builds the tested binaries), then the tests of threaded code (suite
# "threads") again under ThreadSanitizer; ends with "N passed, N failed, N skipped".
test: deps $(TESTBUILD)/build.ninja build-clang/build.ninja build-tsan/build.ninja
	@ninja -C build-clang
	@ninja -C $(TESTBUILD)
	@ninja -C build-tsan
	@TSAN_BUILD=build-tsan scripts/run-tests $(TESTBUILD)

bench: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD)
	@bench/run $(BUILD)

fuzz: deps
	@scripts/fuzz

clean:
	rm -rf $(BUILD) $(TESTBUILD) build-clang build-tsan build-fuzz
