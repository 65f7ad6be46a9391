<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows a sitemap, a sitemap index or the news sitemap as a page when a
     person opens one in a browser; search engines read the XML and ignore
     this. No inline script or style: the site's security policy allows
     neither, so the page borrows the site's stylesheet. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:s="http://www.sitemaps.org/schemas/sitemap/0.9"
    xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
    xmlns:xhtml="http://www.w3.org/1999/xhtml"
    exclude-result-prefixes="s news xhtml">
  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>
  <xsl:param name="css" select="'/static/css/site.css'"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title>Sitemap</title>
        <link rel="stylesheet" href="{$css}"/>
      </head>
      <body>
        <main class="page sitemap-page">
          <xsl:apply-templates/>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="s:sitemapindex">
    <h1>Sitemap index</h1>
    <p class="page-intro">This file tells search engines where the site's sitemaps are:
      <xsl:value-of select="count(s:sitemap)"/> of them.</p>
    <table class="sitemap-table">
      <thead><tr><th scope="col">Sitemap</th><th scope="col">Last changed</th></tr></thead>
      <tbody>
        <xsl:for-each select="s:sitemap">
          <tr>
            <td><a href="{s:loc}"><xsl:value-of select="s:loc"/></a></td>
            <td><xsl:value-of select="s:lastmod"/></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>

  <xsl:template match="s:urlset">
    <h1>Sitemap</h1>
    <p class="page-intro">This file lists pages of the site for search engines:
      <xsl:value-of select="count(s:url)"/> here.</p>
    <table class="sitemap-table">
      <thead>
        <tr>
          <th scope="col">Page</th>
          <xsl:choose>
            <xsl:when test="s:url/news:news">
              <th scope="col">Title</th><th scope="col">Language</th><th scope="col">Published</th>
            </xsl:when>
            <xsl:otherwise>
              <th scope="col">Last changed</th><th scope="col">Other editions</th>
            </xsl:otherwise>
          </xsl:choose>
        </tr>
      </thead>
      <tbody>
        <xsl:for-each select="s:url">
          <tr>
            <td><a href="{s:loc}"><xsl:value-of select="s:loc"/></a></td>
            <xsl:choose>
              <xsl:when test="news:news">
                <td><xsl:value-of select="news:news/news:title"/></td>
                <td><xsl:value-of select="news:news/news:publication/news:language"/></td>
                <td><xsl:value-of select="news:news/news:publication_date"/></td>
              </xsl:when>
              <xsl:otherwise>
                <td><xsl:value-of select="s:lastmod"/></td>
                <td>
                  <xsl:for-each select="xhtml:link[@rel='alternate']">
                    <a href="{@href}" hreflang="{@hreflang}"><xsl:value-of select="@hreflang"/></a>
                    <xsl:if test="position() != last()"><xsl:text> · </xsl:text></xsl:if>
                  </xsl:for-each>
                </td>
              </xsl:otherwise>
            </xsl:choose>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>
</xsl:stylesheet>
