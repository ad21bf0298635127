# Convolution arithmetic: animations (pdf/ -> png/ -> gif/) and the report.
#
#   make                  build the report conv_arithmetic.pdf (and the frames it shows)
#   make all_animations   build every animation of the catalogue
#   make check            run the fast tests (no TeX, no poppler, no report)
#   make test             run the whole test suite (builds the report first)
#   make site             build the web site into site/: gallery, report, explorer
#   make help             list every target
#
# The rules for each animation are generated into animations.mk by
# bin/generate_makefile; make regenerates that file by itself when needed.

.DELETE_ON_ERROR:
.DEFAULT_GOAL := report

VENV ?= .venv
PYTHON ?= $(VENV)/bin/python
PDFLATEX ?= pdflatex
LATEXMK ?= latexmk
PYTEST_ARGS ?=
# pytest-xdist: one worker per core; the tests that share a module's fixture
# (a build, an install) stay together on one worker.
PYTEST_JOBS ?= -n auto --dist loadgroup
DPI ?= 150
PRODUCE_FIGURE = $(PYTHON) bin/produce_figure
# Recipes are summarised; run with V=1 to see the full commands.
Q := $(if $(V),,@)
SETUP_STAMP := $(VENV)/.setup-done
TEST_STAMP := $(VENV)/.setup-test-done
CHECK_STAMP := $(VENV)/.setup-check-done
LINT_STAMP := $(VENV)/.setup-lint-done
SITE_STAMP := $(VENV)/.setup-site-done
BYTECODE_STAMP := convarith/__pycache__/.compiled
export PDFLATEX
# Fixed dates in every PDF, so builds are byte-identical.
export SOURCE_DATE_EPOCH := 0
export FORCE_SOURCE_DATE := 1
# glibc's malloc gives each large block (a frame is a few MB) back to the
# kernel when it is freed and faults fresh pages in for the next one; the
# frame stage does that for every frame.  Keeping freed memory for reuse
# takes about 3% off a clean build's CPU time (other C libraries ignore
# these names).
export MALLOC_MMAP_THRESHOLD_ := 268435456
export MALLOC_TRIM_THRESHOLD_ := 268435456
export MALLOC_TOP_PAD_ := 67108864

REPORT := conv_arithmetic
# The report is compiled under another job name and copied into place when
# complete, so a killed build never leaves a conv_arithmetic.pdf that make
# would take as up to date.
REPORT_JOB := $(REPORT)-build
REPORT_AUX := $(addprefix $(REPORT_JOB).,aux bbl blg fdb_latexmk fls log out toc lof lot synctex.gz)
# -norc: no latexmkrc (the user's or the system's) changes how the report is
# built; -no-shell-escape after %O, so no option can turn \write18 back on.
REPORT_LATEXMK = $(LATEXMK) -norc -pdf -interaction=nonstopmode -halt-on-error \
  -file-line-error -jobname=$(REPORT_JOB) \
  -pdflatex="$(PDFLATEX) %O -no-shell-escape %S" $(REPORT).tex
REPORT_CHAPTERS := $(sort $(wildcard chapters/*.tex))

.PHONY: report all_animations setup check test lint check-figures bench site clean distclean help

report: $(REPORT).pdf

include animations.mk

animations.mk: bin/generate_makefile convarith/model/catalogue.py convarith/makefile.py \
               convarith/cli.py convarith/model/parameters.py convarith/model/vocabulary.py \
               convarith/model/spec.py convarith/model/geometry.py convarith/model/theme.py
	python3 bin/generate_makefile -o $@

all_animations: $(ALL_GIF) $(ALL_PNG) $(ALL_PDF)

# Every frame and GIF is written to a temporary and moved into place, so an
# existing one is always complete: a failed or interrupted recipe must not
# delete it (.DELETE_ON_ERROR would, for every file of a grouped target,
# including files another make had just written).
.PRECIOUS: $(ALL_PDF) $(ALL_PNG) $(ALL_GIF)

$(SETUP_STAMP): pyproject.toml bin/setup convarith/render/tools.py
	python3 bin/setup --venv $(VENV) --stamp $@

# The package byte-compiled once for the build's many short Python processes,
# which would otherwise each compile it again wherever Python may not save
# bytecode itself (PYTHONDONTWRITEBYTECODE, common in containers).
$(BYTECODE_STAMP): $(wildcard convarith/*.py convarith/*/*.py) | $(SETUP_STAMP)
	$(Q)$(PYTHON) -m compileall -q convarith
	@touch $@

$(TEST_STAMP): $(SETUP_STAMP)
	python3 bin/setup --venv $(VENV) --test --stamp $@

# The fast tier needs the Python packages only: TeX and poppler are not installed for it.
$(CHECK_STAMP): pyproject.toml bin/setup
	python3 bin/setup --venv $(VENV) --test --python-only --stamp $@

$(LINT_STAMP): $(SETUP_STAMP)
	python3 bin/setup --venv $(VENV) --lint --stamp $@

# The site needs npm (for Pyodide) besides the Python packages, and no TeX.
$(SITE_STAMP): pyproject.toml bin/setup
	python3 bin/setup --venv $(VENV) --python-only --site --stamp $@

setup: $(TEST_STAMP)

# Frames of real layers (a ResNet stem, a MobileNetV2 depthwise layer, a
# depthwise-separable pair), drawn elided by the native renderer and written
# as vector PDFs at the width the report prints them (convarith/report_figures.py).
# One process draws them all, each written to a temporary and moved into place.
REAL_LAYER_FIGURES := $(addprefix figures/,resnet_stem_last_row.pdf \
  mobilenet_depthwise_first.pdf mobilenet_depthwise_last_channel.pdf \
  separable_depthwise.pdf separable_pointwise.pdf)
REAL_LAYER_DEPS := convarith/report_figures.py convarith/api.py convarith/animation.py \
  convarith/render/native.py $(wildcard convarith/model/*.py convarith/scene/*.py) \
  convarith/scene/fonts.json $(wildcard convarith/render/fonts/*.otf)
.PRECIOUS: $(REAL_LAYER_FIGURES)
$(REAL_LAYER_FIGURES) &: $(REAL_LAYER_DEPS) | $(SETUP_STAMP) $(BYTECODE_STAMP)
	@echo "  pdf  figures of real layers"
	$(Q)$(PYTHON) -m convarith.report_figures --out figures

# The report inputs its chapter files and includes frames from pdf/ and
# figures/, so it depends on them.
$(REPORT).pdf: $(REPORT).tex $(REPORT_CHAPTERS) bibliography.bib $(ALL_PDF) \
               $(REAL_LAYER_FIGURES) | $(SETUP_STAMP)
	@# A killed run can leave the job's files cut short: start afresh then.
	$(REPORT_LATEXMK) || { rm -f $(REPORT_AUX) $(REPORT_JOB).pdf; $(REPORT_LATEXMK) -g; }
	$(Q)$(PYTHON) -m convarith.report_check $(REPORT_JOB).pdf || \
	  { rm -f $(REPORT_AUX) $(REPORT_JOB).pdf; $(REPORT_LATEXMK) -g; }
	$(Q)cp -f $(REPORT_JOB).pdf .$(REPORT).pdf.$$$$.tmp && mv -f .$(REPORT).pdf.$$$$.tmp $@

# The fast tier: every test that needs neither TeX nor poppler.  They are
# hidden from PATH (--without-tex), so a test that needs them fails here
# instead of passing only where they happen to be installed.
check: | $(CHECK_STAMP)
	$(PYTHON) -m pytest -m "not integration and not slow" --without-tex \
	  $(PYTEST_JOBS) $(PYTEST_ARGS)

# The whole suite: the fast tier, real pdflatex and poppler, and the slow
# trials.  The report's tests read the compiled report, so it is built first.
test: $(REPORT).pdf | $(TEST_STAMP)
	$(PYTHON) -m pytest $(PYTEST_JOBS) $(PYTEST_ARGS)

# Python style, and the CI workflow: actionlint for mistakes, zizmor for
# security (--offline: no look-ups of the pinned actions).
lint: | $(LINT_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/actionlint
	$(VENV)/bin/zizmor --offline --quiet .github/workflows/

# The web site (convarith/site.py).  It includes the report where pdflatex is
# installed; elsewhere it is built without it, and says so.  It is rebuilt when
# the package, its templates or the report change.
SITE ?= site
SITE_REPORT := $(if $(shell command -v $(PDFLATEX) 2>/dev/null),$(REPORT).pdf)
SITE_SOURCES := $(wildcard convarith/*.py convarith/*/*.py convarith/site_templates/* \
  convarith/export/templates/* convarith/render/fonts/*) pyproject.toml
site: $(SITE)/index.html

# The build replaces the whole directory only when it is complete, so a
# failed build must not delete the previous site's page (.DELETE_ON_ERROR).
.PRECIOUS: $(SITE)/index.html
$(SITE)/index.html: $(SITE_SOURCES) $(SITE_REPORT) | $(SITE_STAMP)
	$(PYTHON) -m convarith.site --out $(SITE) \
	  $(if $(SITE_REPORT),--report $(SITE_REPORT),--no-report)

check-figures: | $(SETUP_STAMP)
	$(PYTHON) -m convarith.check_figures

bench: | $(TEST_STAMP)
	$(PYTHON) bench/build_speed.py

clean:
	rm -f $(REPORT_AUX) $(REPORT_JOB).pdf animations.mk
	rm -rf pdf png figures $(SITE)
	rm -f gif/.*.tmp

distclean: clean
	rm -f $(REPORT).pdf
	rm -rf $(VENV)

help:
	@echo "make                 build the report $(REPORT).pdf (builds the frames it needs)"
	@echo "make all_animations  build every animation: pdf/NAME_NN.pdf, png/NAME_NN.png, gif/NAME.gif"
	@echo "make check           run the fast tests: no TeX, no poppler, no report (a minute or two)"
	@echo "make test            build the report, then run every test on every core"
	@echo "make lint            check the Python code (ruff) and the CI workflow (actionlint, zizmor)"
	@echo "make check-figures   rebuild the GIFs in a temporary directory and compare with gif/"
	@echo "make site            build the web site into $(SITE)/: gallery of players, report, explorer"
	@echo "make bench           time clean, no-op and incremental builds; print GIF sizes"
	@echo "make setup           install TeX Live, poppler and the Python packages"
	@echo "make clean           remove LaTeX auxiliary files, pdf/, png/, figures/ and $(SITE)/ (gif/ is kept)"
	@echo "make distclean       also remove the report and the virtual environment"
	@echo "Variables: PYTHON=$(PYTHON) PDFLATEX=$(PDFLATEX) DPI=$(DPI) VENV=$(VENV)"
	@echo "           PYTEST_ARGS (extra pytest arguments) PYTEST_JOBS=$(PYTEST_JOBS)"
