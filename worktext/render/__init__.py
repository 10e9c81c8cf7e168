"""The static site: ``site.build`` renders a workspace into HTML, SVG, ICS and JSON that any
static host serves, or a browser opens from file://; ``build.build_site`` renders a workspace
already read. (Nothing is imported here: ``site`` starts a scan before it imports the
renderer.)"""
