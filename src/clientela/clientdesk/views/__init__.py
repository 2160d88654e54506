"""The client desk's pages: the morning list, the workload (with bulk reassignment), the
desk settings, and the small POST actions they carry."""
