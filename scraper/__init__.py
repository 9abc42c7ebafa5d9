"""Everything that knows gfmd.org's markup: parsing, the listings spider, fixture sites."""
