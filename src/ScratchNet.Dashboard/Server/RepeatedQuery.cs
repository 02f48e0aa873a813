using Microsoft.AspNetCore.Http;

namespace ScratchNet.Dashboard.Server;

/// <summary>
/// Refuses a query that gives one name twice (<c>?run=A&amp;run=B</c>): ASP.NET joins the values with a comma, so a
/// repeated run was looked up as the run "A,B" and reported missing, and a repeated number as text that is not one.
/// </summary>
public static class RepeatedQuery
{
    /// <summary>The first name the query gives more than once, and how many times; null when each is given once.</summary>
    public static (string Name, int Times)? Find(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> pair in query)
        {
            if (pair.Value.Count > 1)
            {
                return (pair.Key, pair.Value.Count);
            }
        }

        return null;
    }

    /// <summary>Middleware: a 400 saying which name is repeated, before any endpoint reads the joined value.</summary>
    public static Task Refuse(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (Find(context.Request.Query) is not { } repeated)
        {
            return next(context);
        }

        string times = repeated.Times == 2 ? "twice" : $"{repeated.Times} times";
        return RoutingRefusals.Refuse(context, StatusCodes.Status400BadRequest, $"{HostGuard.Shown(repeated.Name, spaces: true)} is given {times} in the query; give it once.");
    }
}
