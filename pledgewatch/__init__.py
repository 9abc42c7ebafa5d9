"""pledgewatch: watch gfmd.org's Policy and Practice database and report what changed."""

__version__ = "0.1.0"
