"""Which regions a scan covers: the ones asked for, or with `all` every region the account has enabled."""
ALL = "all"


def enabled_regions(session, region) -> list[str]:
    """DescribeRegions (asked in `region`) without AllRegions: default and opted-in regions only."""
    ec2 = session.client("ec2", region_name=region)
    regions = ec2.describe_regions(AllRegions=False)["Regions"]
    return sorted(r["RegionName"] for r in regions if r.get("OptInStatus") != "not-opted-in")


def resolve_regions(requested, session) -> list[str]:
    """`all` expands to the enabled regions; duplicates go; order is kept (the session's region when none)."""
    home = next((r for r in requested if r != ALL), None) or session.region_name or "us-east-1"
    wanted = []
    for region in requested or [home]:
        for name in enabled_regions(session, home) if region == ALL else [region]:
            if name not in wanted:
                wanted.append(name)
    return wanted
