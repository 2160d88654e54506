"""The local PySpark session the `spark` engine runs on (needs the `clientela[spark]` extra).

One session per process, created on first use and kept: starting a JVM costs seconds, so
engines share it. It is small and closed to the network: `local[2]`, 1 GB of driver memory,
no UI, bound to the loopback interface, UTC session time, two shuffle partitions.
"""

from __future__ import annotations

import functools
import os

from clientela.core.errors import validation_error


@functools.cache
def spark_session():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise validation_error(
            "engine", "spark needs the spark extra: pip install 'clientela[spark]'"
        ) from None
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return (
        SparkSession.builder.master("local[2]")
        .appName("clientela-analytics")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "1g")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .getOrCreate()
    )
