# Writes one data set of an R package as a plain CSV, for bench/quality/run.py.
#   Rscript bench/quality/r_table.R PACKAGE NAME OUT.csv [expand]
# PACKAGE is an R package Debian ships (datasets: r-base-core; MASS: r-cran-mass). Factors are
# written as their labels, missing values as empty cells, row names are left out. A contingency
# table (class "table", e.g. Titanic) becomes one row per cell with its count in Freq; with
# `expand`, a data frame's Freq column (e.g. MASS's housing) or a table's counts become one row
# per case (Freq itself is left out).
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 3) stop("usage: Rscript r_table.R PACKAGE NAME OUT.csv [expand]")
pkg <- args[1]
name <- args[2]
out <- args[3]
expand <- length(args) > 3 && args[4] == "expand"
env <- new.env()
data(list = name, package = pkg, envir = env)
x <- get(name, envir = env)
d <- as.data.frame(x, stringsAsFactors = TRUE)  # a table gives one column per dimension plus Freq
if (expand) {
  if (!"Freq" %in% names(d)) stop(paste0(pkg, "::", name, " has no Freq column to expand"))
  rows <- rep(seq_len(nrow(d)), d$Freq)
  d <- d[rows, setdiff(names(d), "Freq"), drop = FALSE]
}
write.csv(d, out, row.names = FALSE, na = "")
