# Run the reference R package LabourMarketAreas (findClusters) on one OD table.
# Used by benchmarks/lma_vs_reference.py; the package is a peer, installed outside the
# repository (see shared/design/lma-peer.md), its library path in the env var LMA_LIB.
#
#   Rscript lma_reference_run.R OD.csv OUTDIR minSZ minSC tarSZ tarSC
#
# Writes OUTDIR/cluster_list.csv (community, cluster, residents), before0.csv,
# reserve_list.csv, zero_list.csv, not_assigned.csv and seconds.txt (findClusters only).
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(
  library(LabourMarketAreas, lib.loc = Sys.getenv("LMA_LIB"))
)
od <- data.table::fread(args[1], colClasses = c("integer", "integer", "numeric"))
outdir <- args[2]
p <- as.numeric(args[3:6])
t0 <- proc.time()[["elapsed"]]
out <- invisible(capture.output(
  res <- findClusters(LWCom = od, minSZ = p[1], minSC = p[2], tarSZ = p[3], tarSC = p[4])
))
secs <- proc.time()[["elapsed"]] - t0
data.table::fwrite(res$lma$clusterList, file.path(outdir, "cluster_list.csv"))
data.table::fwrite(res$lma.before0$clusterList, file.path(outdir, "before0.csv"))
rl <- res$reserve.list
if (length(rl) > 0) {
  rows <- lapply(rl, function(v) c(v, rep(NA, 6 - length(v)))[1:6])
  m <- do.call(rbind, rows)
  colnames(m) <- c("type", "iteration", "cluster", "validity", "community", "next_community")
  data.table::fwrite(data.table::as.data.table(m), file.path(outdir, "reserve_list.csv"))
} else {
  writeLines("type,iteration,cluster,validity,community,next_community",
             file.path(outdir, "reserve_list.csv"))
}
writeLines(c("community", as.character(res$zero.list$Communities)),
           file.path(outdir, "zero_list.csv"))
writeLines(c("community", as.character(unlist(res$comNotAssigned))),
           file.path(outdir, "not_assigned.csv"))
writeLines(format(secs, digits = 6), file.path(outdir, "seconds.txt"))
